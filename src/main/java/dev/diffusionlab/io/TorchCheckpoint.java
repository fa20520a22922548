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

  private TorchCheckpoint() {}

  /**
   * The tensors of the checkpoint by name; nested dicts give dotted names ({@code outer.inner}),
   * values that are not tensors are skipped.
   *
   * @throws UnsafePickleException if the pickle names anything outside the tensor allowlist
   * @throws TensorFileException if the file is not a readable checkpoint or a tensor is not float
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
          && !new String(read(zip, byteorder, file), java.nio.charset.StandardCharsets.US_ASCII)
              .trim()
              .equals("little")) {
        throw new TensorFileException(file, "big-endian checkpoints are not supported");
      }
      Object root =
          RestrictedUnpickler.load(file, read(zip, zip.getEntry(prefix + "data.pkl"), file), 0)
              .value();
      Map<String, TensorRef> refs = new LinkedHashMap<>();
      collect("", root, refs);
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
          storage = decode(file, s, read(zip, record, file), 0);
          storages.put(s.key(), storage);
        }
        tensors.put(e.getKey(), materialize(file, e.getKey(), e.getValue(), storage));
      }
      return tensors;
    }
  }

  private static Map<String, HostTensor> readLegacy(Path file) throws IOException {
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
    Map<String, TensorRef> refs = new LinkedHashMap<>();
    collect("", main.value(), refs);
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
      long byteLength = count * s.dtype().byteSize();
      if (count != s.numel() || byteLength > data.remaining()) {
        throw new TensorFileException(file, "legacy storage " + key + " is truncated or mis-sized");
      }
      byte[] raw = new byte[(int) byteLength];
      data.get(raw);
      storages.put(s.key(), decode(file, s, raw, 0));
    }
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
      tensors.put(
          e.getKey(),
          materialize(file, e.getKey(), e.getValue(), storages.get(e.getValue().storage().key())));
    }
    return tensors;
  }

  private static BigInteger asBig(Object value) {
    if (value instanceof BigInteger b) {
      return b;
    }
    return value instanceof Long l ? BigInteger.valueOf(l) : null;
  }

  private static byte[] read(ZipFile zip, ZipEntry entry, Path file) throws IOException {
    if (entry.getSize() > Integer.MAX_VALUE - 8) {
      throw new TensorFileException(file, "record " + entry.getName() + " is larger than 2 GiB");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }

  /** Walks dicts, lists and tuples and names each tensor by its path. */
  private static void collect(String path, Object value, Map<String, TensorRef> out) {
    if (value instanceof TensorRef t) {
      out.put(path, t);
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collect(join(path, String.valueOf(k)), v, out));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collect(join(path, Integer.toString(i)), list.get(i), out);
      }
    } else if (value instanceof Tuple tuple) {
      collect(path, tuple.items(), out);
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
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
  private static HostTensor materialize(Path file, String name, TensorRef ref, float[] storage)
      throws TensorFileException {
    long[] shape = ref.shape();
    long[] stride = ref.stride();
    long numel = 1;
    long last = ref.offset();
    for (int d = 0; d < shape.length; d++) {
      numel = Math.multiplyExact(numel, shape[d]);
      last += shape[d] == 0 ? 0 : (shape[d] - 1) * stride[d];
    }
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
