package dev.diffusionlab.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the float arrays of a NumPy {@code .npz} archive ({@code np.savez} or {@code
 * savez_compressed}): a zip of {@code .npy} files, each a magic string, a version, a header that is
 * a Python dict literal ({@code descr}, {@code fortran_order}, {@code shape}) and the data.
 */
public final class NpzArchive {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fiub])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpzArchive() {}

  /**
   * The float arrays by name (the entry name without {@code .npy}).
   *
   * @throws TensorFileException if an entry is not a valid float {@code .npy} array
   */
  public static Map<String, HostTensor> read(Path file) throws IOException {
    Map<String, HostTensor> arrays = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        if (!entry.getName().endsWith(".npy")) {
          continue;
        }
        String name = entry.getName().substring(0, entry.getName().length() - 4);
        try (InputStream in = zip.getInputStream(entry)) {
          arrays.put(name, readNpy(file, name, in.readAllBytes()));
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new TensorFileException(file, "not a valid .npz (zip) archive: " + e.getMessage(), e);
    }
    return arrays;
  }

  private static HostTensor readNpy(Path file, String name, byte[] bytes)
      throws TensorFileException {
    String where = "array '" + name + "'";
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10
        || (bytes[0] & 0xff) != 0x93
        || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new TensorFileException(file, where + " lacks the .npy magic string");
    }
    int major = bytes[6];
    b.position(8);
    long headerLength = major == 1 ? b.getShort() & 0xffff : b.getInt() & 0xffffffffL;
    if (headerLength > b.remaining()) {
      throw new TensorFileException(file, where + " header runs past the end (truncated)");
    }
    String header =
        new String(bytes, b.position(), (int) headerLength, StandardCharsets.ISO_8859_1);
    b.position(b.position() + (int) headerLength);

    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeMatch = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
      throw new TensorFileException(file, where + " has an unreadable header: " + header.trim());
    }
    TensorDType dtype = floatType(descr.group(2), descr.group(3));
    if (dtype == null || descr.group(1).equals(">")) {
      throw new TensorFileException(
          file, where + " has dtype " + descr.group(0) + "; expected little-endian f2, f4 or f8");
    }
    long[] shape = parseShape(file, where, shapeMatch.group(1));
    long numel = 1;
    for (long d : shape) {
      numel = Math.multiplyExact(numel, d);
    }
    long byteLength = numel * dtype.byteSize();
    if (byteLength != b.remaining()) {
      throw new TensorFileException(
          file, where + " holds " + b.remaining() + " data bytes, shape needs " + byteLength);
    }
    float[] values = new float[(int) numel];
    ElementConversion.toFloat32(b.slice(), dtype).asFloatBuffer().get(values);
    if (fortran.group(1).equals("True")) {
      values = fortranToRowMajor(values, shape);
    }
    return new HostTensor(shape, values, dtype);
  }

  private static TensorDType floatType(String kind, String size) {
    if (!kind.equals("f")) {
      return null;
    }
    return switch (size) {
      case "2" -> TensorDType.F16;
      case "4" -> TensorDType.F32;
      case "8" -> TensorDType.F64;
      default -> null;
    };
  }

  private static long[] parseShape(Path file, String where, String tuple)
      throws TensorFileException {
    java.util.List<Long> dims = new java.util.ArrayList<>();
    for (String part : tuple.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        long d = Long.parseLong(p);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new TensorFileException(file, where + " has a bad shape (" + tuple + ")");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] fortranToRowMajor(float[] columnMajor, long[] shape) {
    float[] out = new float[columnMajor.length];
    for (int i = 0; i < out.length; i++) {
      long rest = i;
      long at = 0;
      long stride = 1;
      long[] index = new long[shape.length];
      for (int d = shape.length - 1; d >= 0; d--) {
        index[d] = rest % shape[d];
        rest /= shape[d];
      }
      for (int d = 0; d < shape.length; d++) {
        at += index[d] * stride;
        stride *= shape[d];
      }
      out[i] = columnMajor[(int) at];
    }
    return out;
  }
}
