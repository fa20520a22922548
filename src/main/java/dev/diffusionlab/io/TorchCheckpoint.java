package dev.diffusionlab.io;

import dev.diffusionlab.io.RestrictedUnpickler.StorageRef;
import dev.diffusionlab.io.RestrictedUnpickler.TensorRef;
import dev.diffusionlab.io.RestrictedUnpickler.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the float tensors of a {@code torch.save} file (such as a dict of precomputed prompt
 * embeddings) without running Python or any pickle code: the pickle goes through {@link
 * RestrictedUnpickler}, and storages are read from the file's records.
 *
 * <p>Both layouts are supported: the zip archive of PyTorch ≥ 1.6 ({@code <name>/data.pkl} plus
 * {@code <name>/data/<key>}) and the legacy stream (magic number, protocol, system info, the
 * object, the storage keys, then each storage's size and bytes).
 */
public final class TorchCheckpoint {
  private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final long LEGACY_PROTOCOL = 1001;

  /** How deeply dicts, lists and tuples may nest around the tensors. */
  public static final int MAX_NESTING = 64;

  /**
   * The most values the walk for tensors may visit. Memo references let a pickle share one list
   * many times, so the number of paths can grow exponentially with the file's size.
   */
  public static final int MAX_VISITS = 1_000_000;

  private TorchCheckpoint() {}

  /**
   * The tensors of the checkpoint by name; nested dicts give dotted names ({@code outer.inner}),
   * values that are not tensors are skipped.
   *
   * @throws UnsafePickleException if the pickle names anything outside the tensor allowlist
   * @throws TensorFileException if the file is not a readable checkpoint, a tensor is not float, or
   *     the file passes a limit of {@link RestrictedUnpickler} or {@link ReadLimits} or nests
   *     values deeper than {@link #MAX_NESTING}
   */
  public static Map<String, HostTensor> read(Path file) throws IOException {
    byte[] start = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(start, 0, 4) < 2) {
        throw new TensorFileException(file, "too short to be a PyTorch checkpoint");
      }
    }
    if (start[0] == 'P' && start[1] == 'K') {
      return readZip(file);
    }
    if ((start[0] & 0xff) == 0x80) {
      return readLegacy(file);
    }
    throw new TensorFileException(
        file, "neither a zip checkpoint nor a legacy pickle stream (tar checkpoints are not read)");
  }

  private static Map<String, HostTensor> readZip(Path file) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String prefix = null;
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        String name = entry.getName();
        if (name.endsWith("/data.pkl")
            && name.indexOf('/') == name.length() - "/data.pkl".length()) {
          prefix = name.substring(0, name.length() - "data.pkl".length());
        }
      }
      if (prefix == null) {
        throw new TensorFileException(
            file, "zip archive without <name>/data.pkl: not a torch.save file");
      }
      ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
      if (byteorder != null
          && !new String(read(zip, byteorder, file, 64), java.nio.charset.StandardCharsets.US_ASCII)
              .trim()
              .equals("little")) {
        throw new TensorFileException(file, "big-endian checkpoints are not supported");
      }
      byte[] pickle =
          read(zip, zip.getEntry(prefix + "data.pkl"), file, RestrictedUnpickler.MAX_PICKLE_BYTES);
      Object root = RestrictedUnpickler.load(file, pickle, 0).value();
      Map<String, TensorRef> refs = new Collector(file).collect(root);
      ReadLimits.TensorBudget budget = new ReadLimits.TensorBudget(file);
      Map<String, float[]> storages = new HashMap<>();
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
        StorageRef s = e.getValue().storage();
        float[] storage = storages.get(s.key());
        if (storage == null) {
          ZipEntry record = zip.getEntry(prefix + "data/" + s.key());
          if (record == null) {
            throw new TensorFileException(file, "storage record data/" + s.key() + " is missing");
          }
          storage = decode(file, s, readStorage(zip, record, file, s, budget), 0);
          storages.put(s.key(), storage);
        }
        tensors.put(e.getKey(), materialize(file, e.getKey(), e.getValue(), storage, budget));
      }
      return tensors;
    }
  }

  private static Map<String, HostTensor> readLegacy(Path file) throws IOException {
    long size = Files.size(file);
    long limit = RestrictedUnpickler.MAX_PICKLE_BYTES + ReadLimits.MAX_TENSOR_BYTES;
    if (size > limit) {
      throw new TensorFileException(
          file,
          "a legacy checkpoint of "
              + ReadLimits.describeBytes(size)
              + " is larger than the limit of "
              + ReadLimits.describeBytes(limit));
    }
    byte[] bytes = Files.readAllBytes(file);
    RestrictedUnpickler.Result magic = RestrictedUnpickler.load(file, bytes, 0);
    if (!LEGACY_MAGIC.equals(asBig(magic.value()))) {
      throw new TensorFileException(
          file, "a pickle, but not a torch.save file (wrong magic number)");
    }
    RestrictedUnpickler.Result protocol = RestrictedUnpickler.load(file, bytes, magic.end());
    if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol.value())) {
      throw new TensorFileException(file, "legacy protocol " + protocol.value() + " is not 1001");
    }
    RestrictedUnpickler.Result sysInfo = RestrictedUnpickler.load(file, bytes, protocol.end());
    if (sysInfo.value() instanceof Map<?, ?> info
        && Boolean.FALSE.equals(info.get("little_endian"))) {
      throw new TensorFileException(file, "big-endian checkpoints are not supported");
    }
    RestrictedUnpickler.Result main = RestrictedUnpickler.load(file, bytes, sysInfo.end());
    RestrictedUnpickler.Result keys = RestrictedUnpickler.load(file, bytes, main.end());
    Map<String, TensorRef> refs = new Collector(file).collect(main.value());
    ReadLimits.TensorBudget budget = new ReadLimits.TensorBudget(file);
    Map<String, StorageRef> byKey = new HashMap<>();
    refs.values().forEach(r -> byKey.put(r.storage().key(), r.storage()));

    Map<String, float[]> storages = new HashMap<>();
    ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    data.position(keys.end());
    if (!(keys.value() instanceof List<?> keyList)) {
      throw new TensorFileException(file, "legacy storage key list missing");
    }
    for (Object key : keyList) {
      StorageRef s = byKey.get(String.valueOf(key));
      if (data.remaining() < 8 || s == null) {
        throw new TensorFileException(
            file, "legacy storage " + key + " is missing or unreferenced");
      }
      long count = data.getLong();
      if (count != s.numel() || count > data.remaining() / s.dtype().byteSize()) {
        throw new TensorFileException(file, "legacy storage " + key + " is truncated or mis-sized");
      }
      long byteLength = count * s.dtype().byteSize();
      budget.charge("storage " + key, count * Float.BYTES);
      byte[] raw = new byte[(int) byteLength];
      data.get(raw);
      storages.put(s.key(), decode(file, s, raw, 0));
    }
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
      tensors.put(
          e.getKey(),
          materialize(
              file, e.getKey(), e.getValue(), storages.get(e.getValue().storage().key()), budget));
    }
    return tensors;
  }

  private static BigInteger asBig(Object value) {
    if (value instanceof BigInteger b) {
      return b;
    }
    return value instanceof Long l ? BigInteger.valueOf(l) : null;
  }

  private static byte[] read(ZipFile zip, ZipEntry entry, Path file, long limit)
      throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      return ReadLimits.readAtMost(file, "record " + entry.getName(), in, limit);
    }
  }

  /**
   * A storage record, read only after its declared size passed the file's budget and what its
   * compressed bytes can hold, and never past that size.
   */
  private static byte[] readStorage(
      ZipFile zip, ZipEntry record, Path file, StorageRef s, ReadLimits.TensorBudget budget)
      throws IOException {
    String what = "storage record " + record.getName();
    if (s.numel() > Long.MAX_VALUE / Float.BYTES) {
      throw new TensorFileException(file, what + " declares " + s.numel() + " elements");
    }
    long declared = s.numel() * s.dtype().byteSize();
    budget.charge(what, s.numel() * Float.BYTES);
    ReadLimits.checkDeclaredSize(file, what, declared, record.getCompressedSize());
    try (InputStream in = zip.getInputStream(record)) {
      return ReadLimits.readExactly(file, what, in, declared);
    }
  }

  /**
   * Walks dicts, lists and tuples and names each tensor by its path, within {@link #MAX_NESTING}
   * and {@link #MAX_VISITS}: a list that contains itself, or lists sharing sub-lists, stop here.
   */
  private static final class Collector {
    private final Path file;
    private final Map<String, TensorRef> found = new LinkedHashMap<>();
    private int visits;

    Collector(Path file) {
      this.file = file;
    }

    Map<String, TensorRef> collect(Object root) throws TensorFileException {
      visit("", root, 0);
      return found;
    }

    private void visit(String path, Object value, int depth) throws TensorFileException {
      if (++visits > MAX_VISITS) {
        throw new TensorFileException(
            file,
            "the checkpoint's values have more than the limit of "
                + MAX_VISITS
                + " paths (lists that share sub-lists?)");
      }
      if (depth > MAX_NESTING) {
        throw new TensorFileException(
            file,
            "values nest deeper than the limit of "
                + MAX_NESTING
                + " levels at '"
                + abbreviate(path)
                + "' (a list that contains itself?)");
      }
      if (value instanceof TensorRef t) {
        found.put(path, t);
      } else if (value instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          visit(join(path, String.valueOf(e.getKey())), e.getValue(), depth + 1);
        }
      } else if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          visit(join(path, Integer.toString(i)), list.get(i), depth + 1);
        }
      } else if (value instanceof Tuple tuple) {
        visit(path, tuple.items(), depth + 1);
      }
    }

    private static String join(String path, String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    private static String abbreviate(String path) {
      return path.length() <= 80 ? path : path.substring(0, 80) + "...";
    }
  }

  private static float[] decode(Path file, StorageRef s, byte[] raw, int offset)
      throws TensorFileException {
    if (!s.dtype().isFloatingPoint()) {
      throw new TensorFileException(
          file, "storage " + s.key() + " holds " + s.dtype() + "; only float tensors are read");
    }
    long expected = s.numel() * s.dtype().byteSize();
    if (raw.length - offset != expected) {
      throw new TensorFileException(
          file,
          "storage " + s.key() + " has " + (raw.length - offset) + " bytes, expected " + expected);
    }
    ByteBuffer converted =
        ElementConversion.toFloat32(ByteBuffer.wrap(raw, offset, (int) expected), s.dtype());
    float[] values = new float[(int) s.numel()];
    converted.asFloatBuffer().get(values);
    return values;
  }

  /** Gathers a (possibly strided) view into a row-major float array. */
  private static HostTensor materialize(
      Path file, String name, TensorRef ref, float[] storage, ReadLimits.TensorBudget budget)
      throws TensorFileException {
    long[] shape = ref.shape();
    long[] stride = ref.stride();
    long numel = 1;
    long last = ref.offset();
    try {
      for (int d = 0; d < shape.length; d++) {
        numel = Math.multiplyExact(numel, shape[d]);
        last = Math.addExact(last, shape[d] == 0 ? 0 : Math.multiplyExact(shape[d] - 1, stride[d]));
      }
    } catch (ArithmeticException e) {
      throw new TensorFileException(file, "tensor '" + name + "' has a shape that overflows", e);
    }
    // A view may select from its storage but never repeat it (stride 0 over a large shape):
    // otherwise a few bytes of storage would materialize as gigabytes.
    if (numel > storage.length) {
      throw new TensorFileException(
          file,
          "tensor '"
              + name
              + "' has "
              + numel
              + " elements but its storage only "
              + storage.length
              + "; views that repeat elements are not read");
    }
    budget.charge("tensor '" + name + "'", numel * Float.BYTES);
    if (numel > 0 && last >= storage.length) {
      throw new TensorFileException(
          file,
          "tensor '"
              + name
              + "' reaches element "
              + last
              + " of a "
              + storage.length
              + "-element storage");
    }
    float[] values = new float[(int) numel];
    for (int i = 0; i < values.length; i++) {
      long at = ref.offset();
      long rest = i;
      for (int d = shape.length - 1; d >= 0; d--) {
        at += (rest % shape[d]) * stride[d];
        rest /= shape[d];
      }
      values[i] = storage[(int) at];
    }
    return new HostTensor(shape, values, ref.storage().dtype());
  }
}
