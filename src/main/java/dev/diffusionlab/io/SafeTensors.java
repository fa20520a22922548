package dev.diffusionlab.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of JSON mapping
 * each name to {@code {"dtype","shape","data_offsets":[begin,end]}} (plus {@code __metadata__}),
 * then the raw little-endian data that the offsets index.
 *
 * <p>The whole header is validated when the file is opened (sizes, dtypes, offsets inside the data,
 * no overlaps), so a truncated or malformed file fails here with a {@link TensorFileException}
 * instead of later inside the engine. Tensor data is read on demand.
 */
public final class SafeTensors implements TensorStore {
  /** The safetensors reference implementation refuses headers above 100 MB; so do we. */
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Path file;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafeTensors(
      Path file, FileChannel channel, Map<String, TensorInfo> tensors, Map<String, String> meta) {
    this.file = file;
    this.channel = channel;
    this.tensors = tensors;
    this.metadata = meta;
  }

  /**
   * Opens and validates a safetensors file.
   *
   * @throws TensorFileException if the file is too short, its header is not valid JSON, or an entry
   *     has an unknown dtype, a bad shape, or offsets outside the data
   */
  public static SafeTensors open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new TensorFileException(
            file, "only " + fileSize + " bytes; a safetensors file starts with an 8-byte length");
      }
      ByteBuffer lengthBytes = readFully(file, channel, 0, 8);
      long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
        throw new TensorFileException(
            file,
            "header length "
                + Long.toUnsignedString(headerLength)
                + " does not fit the file of "
                + fileSize
                + " bytes (truncated or not a safetensors file?)");
      }
      ByteBuffer header = readFully(file, channel, 8, (int) headerLength);
      String json = StandardCharsets.UTF_8.decode(header).toString();
      long dataStart = 8 + headerLength;
      HeaderParser parser = new HeaderParser(file, dataStart, fileSize - dataStart);
      parser.parse(json);
      return new SafeTensors(file, channel, parser.tensors, parser.metadata);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The file this store reads. */
  public Path file() {
    return file;
  }

  /** The {@code __metadata__} strings, e.g. {@code format=pt}. */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(tensors.keySet());
  }

  @Override
  public TensorInfo info(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new IllegalArgumentException(file + ": no tensor named '" + name + "'");
    }
    return info;
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType target) throws IOException {
    TensorInfo info = info(name);
    if (!info.dtype().isFloatingPoint()) {
      throw new TensorFileException(
          file, "tensor '" + name + "' has dtype " + info.dtype() + "; expected F32, F16 or BF16");
    }
    if (info.byteLength() > Integer.MAX_VALUE) {
      throw new TensorFileException(file, "tensor '" + name + "' is larger than 2 GiB");
    }
    ByteBuffer raw = readFully(file, channel, info.offset(), (int) info.byteLength());
    Shape shape = new Shape(info.shape());
    if (target == DataType.FLOAT16 && info.dtype() == TensorDType.F16) {
      return manager.create(nativeCopy(raw), shape, DataType.FLOAT16);
    }
    NDArray asFloat =
        manager.create(ElementConversion.toFloat32(raw, info.dtype()), shape, DataType.FLOAT32);
    if (target == DataType.FLOAT32) {
      return asFloat;
    }
    if (target == DataType.FLOAT16) {
      NDArray half = asFloat.toType(DataType.FLOAT16, false);
      asFloat.close();
      return half;
    }
    throw new IllegalArgumentException("can load as FLOAT32 or FLOAT16, not " + target);
  }

  /**
   * Copies the tensors of a safetensors file into {@code targets}, by name, in place: each target
   * keeps its identity (a model parameter, an optimizer moment) and gets the stored values as
   * float32. Every name and shape is checked before the first target is written.
   *
   * @throws TensorFileException naming the file and the tensor if one is missing or has another
   *     shape, or if the file is malformed
   */
  public static void copyInto(Path file, Map<String, NDArray> targets) throws IOException {
    if (targets.isEmpty()) {
      return;
    }
    try (SafeTensors store = open(file)) {
      for (Map.Entry<String, NDArray> target : targets.entrySet()) {
        if (target.getValue().getDataType() != DataType.FLOAT32) {
          throw new IllegalArgumentException(
              "tensor "
                  + target.getKey()
                  + " is "
                  + target.getValue().getDataType()
                  + ", expected float32");
        }
        TensorInfo info = store.tensors.get(target.getKey());
        if (info == null) {
          throw new TensorFileException(file, "no tensor named " + target.getKey());
        }
        Shape stored = new Shape(info.shape());
        if (!stored.equals(target.getValue().getShape())) {
          throw new TensorFileException(
              file,
              "tensor "
                  + target.getKey()
                  + " has shape "
                  + stored
                  + ", expected "
                  + target.getValue().getShape());
        }
      }
      for (Map.Entry<String, NDArray> target : targets.entrySet()) {
        NDArray array = target.getValue();
        try (NDManager scratch = array.getManager().newSubManager()) {
          NDArray values = store.load(target.getKey(), scratch, DataType.FLOAT32);
          // An indexed copy (index_put_ over every element of a flat view) rather than
          // NDArray.set(Buffer), whose engine call prints a deprecation warning that is no
          // concern of the user's.
          NDArray flat = array.reshape(-1);
          flat.attach(scratch);
          flat.set(new NDIndex(":"), values.reshape(-1));
        }
      }
    }
  }

  /** Reads a tensor's values as float32, row-major, without the engine. */
  public float[] readFloats(String name) throws IOException {
    TensorInfo info = info(name);
    if (!info.dtype().isFloatingPoint() || info.byteLength() > Integer.MAX_VALUE) {
      throw new TensorFileException(
          file, "tensor '" + name + "' is not a float tensor under 2 GiB");
    }
    ByteBuffer raw = readFully(file, channel, info.offset(), (int) info.byteLength());
    float[] values = new float[(int) info.numel()];
    ElementConversion.toFloat32(raw, info.dtype()).asFloatBuffer().get(values);
    return values;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static ByteBuffer nativeCopy(ByteBuffer littleEndianHalves) {
    ByteBuffer in = littleEndianHalves.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer direct = ByteBuffer.allocateDirect(in.remaining()).order(ByteOrder.nativeOrder());
    direct.asShortBuffer().put(in.asShortBuffer());
    return direct;
  }

  static ByteBuffer readFully(Path file, FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
    long at = position;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new TensorFileException(
            file,
            "ends at byte " + at + " but " + (position + length) + " bytes are needed (truncated)");
      }
      at += read;
    }
    return buffer.flip();
  }

  /** Validates the JSON header and collects the entries. */
  private static final class HeaderParser {
    private final Path file;
    private final long dataStart;
    private final long dataLength;
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    HeaderParser(Path file, long dataStart, long dataLength) {
      this.file = file;
      this.dataStart = dataStart;
      this.dataLength = dataLength;
    }

    void parse(String json) throws TensorFileException {
      JsonNode root;
      try {
        root = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new TensorFileException(
            file, "header is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (root == null || !root.isObject()) {
        throw new TensorFileException(file, "header must be a JSON object");
      }
      List<long[]> ranges = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getKey().equals("__metadata__")) {
          parseMetadata(entry.getValue());
        } else {
          TensorInfo info = parseEntry(entry.getKey(), entry.getValue());
          tensors.put(info.name(), info);
          ranges.add(new long[] {info.offset(), info.offset() + info.byteLength()});
        }
      }
      checkNoOverlap(ranges);
    }

    private void parseMetadata(JsonNode node) throws TensorFileException {
      if (!node.isObject()) {
        throw new TensorFileException(file, "__metadata__ must be an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw new TensorFileException(file, "__metadata__." + e.getKey() + " must be a string");
        }
        metadata.put(e.getKey(), e.getValue().asText());
      }
    }

    private TensorInfo parseEntry(String name, JsonNode node) throws TensorFileException {
      String where = "tensor '" + name + "'";
      if (!node.isObject()) {
        throw new TensorFileException(file, where + " must be an object");
      }
      JsonNode dtypeNode = node.get("dtype");
      if (dtypeNode == null || !dtypeNode.isTextual()) {
        throw new TensorFileException(file, where + ": missing string field 'dtype'");
      }
      TensorDType dtype =
          TensorDType.fromSafetensorsName(dtypeNode.asText())
              .orElseThrow(
                  () ->
                      new TensorFileException(
                          file, where + ": unknown dtype '" + dtypeNode.asText() + "'"));
      long[] shape = parseLongs(node.get("shape"), where + ".shape", -1);
      long[] offsets = parseLongs(node.get("data_offsets"), where + ".data_offsets", 2);
      long numel;
      long expectedBytes;
      try {
        numel = 1;
        for (long d : shape) {
          numel = Math.multiplyExact(numel, d);
        }
        expectedBytes = Math.multiplyExact(numel, (long) dtype.byteSize());
      } catch (ArithmeticException e) {
        throw new TensorFileException(file, where + ": shape overflows", e);
      }
      long begin = offsets[0];
      long end = offsets[1];
      if (begin > end || end > dataLength) {
        throw new TensorFileException(
            file,
            where
                + ": data_offsets ["
                + begin
                + ", "
                + end
                + "] lie outside the "
                + dataLength
                + " data bytes (truncated file?)");
      }
      if (end - begin != expectedBytes) {
        throw new TensorFileException(
            file,
            where
                + ": data_offsets span "
                + (end - begin)
                + " bytes but dtype and shape need "
                + expectedBytes);
      }
      return new TensorInfo(name, dtype, shape, dataStart + begin, expectedBytes);
    }

    private long[] parseLongs(JsonNode node, String field, int requiredLength)
        throws TensorFileException {
      if (node == null || !node.isArray()) {
        throw new TensorFileException(file, field + " must be an array of integers");
      }
      if (requiredLength >= 0 && node.size() != requiredLength) {
        throw new TensorFileException(
            file, field + " must have " + requiredLength + " entries, not " + node.size());
      }
      long[] values = new long[node.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode v = node.get(i);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
          throw new TensorFileException(file, field + "[" + i + "] must be an integer >= 0");
        }
        values[i] = v.asLong();
      }
      return values;
    }

    private void checkNoOverlap(List<long[]> ranges) throws TensorFileException {
      ranges.sort(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
      for (int i = 1; i < ranges.size(); i++) {
        long[] previous = ranges.get(i - 1);
        long[] current = ranges.get(i);
        if (current[0] < previous[1] && current[1] > current[0]) {
          throw new TensorFileException(
              file, "two tensors share data bytes " + current[0] + ".." + previous[1]);
        }
      }
    }
  }
}
