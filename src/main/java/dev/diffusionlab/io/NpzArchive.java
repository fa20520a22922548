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

  /** The largest {@code .npy} header read; numpy itself writes headers of a few hundred bytes. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  /**
   * The float arrays by name (the entry name without {@code .npy}).
   *
   * @throws TensorFileException if an entry is not a valid float {@code .npy} array, or declares
   *     more data than its compressed bytes can hold or than {@link ReadLimits#MAX_TENSOR_BYTES}
   */
  public static Map<String, HostTensor> read(Path file) throws IOException {
    Map<String, HostTensor> arrays = new LinkedHashMap<>();
    ReadLimits.TensorBudget budget = new ReadLimits.TensorBudget(file);
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        if (!entry.getName().endsWith(".npy")) {
          continue;
        }
        String name = entry.getName().substring(0, entry.getName().length() - 4);
        try (InputStream in = zip.getInputStream(entry)) {
          arrays.put(name, readNpy(file, name, in, entry.getCompressedSize(), budget));
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new TensorFileException(file, "not a valid .npz (zip) archive: " + e.getMessage(), e);
    }
    return arrays;
  }

  private static HostTensor readNpy(
      Path file, String name, InputStream in, long compressedSize, ReadLimits.TensorBudget budget)
      throws IOException {
    String where = "array '" + name + "'";
    byte[] prefix = in.readNBytes(8);
    if (prefix.length < 8
        || (prefix[0] & 0xff) != 0x93
        || !new String(prefix, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new TensorFileException(file, where + " lacks the .npy magic string");
    }
    int major = prefix[6];
    byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
    if (lengthBytes.length < (major == 1 ? 2 : 4)) {
      throw new TensorFileException(file, where + " header runs past the end (truncated)");
    }
    ByteBuffer lengths = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = major == 1 ? lengths.getShort() & 0xffff : lengths.getInt() & 0xffffffffL;
    if (headerLength > MAX_HEADER_BYTES) {
      throw new TensorFileException(
          file,
          where + " header of " + headerLength + " bytes passes the limit of " + MAX_HEADER_BYTES);
    }
    byte[] headerBytes = in.readNBytes((int) headerLength);
    if (headerBytes.length < headerLength) {
      throw new TensorFileException(file, where + " header runs past the end (truncated)");
    }
    String header = new String(headerBytes, StandardCharsets.ISO_8859_1);

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
    long byteLength;
    try {
      for (long d : shape) {
        numel = Math.multiplyExact(numel, d);
      }
      byteLength = Math.multiplyExact(numel, (long) dtype.byteSize());
      Math.multiplyExact(numel, (long) Float.BYTES);
    } catch (ArithmeticException e) {
      throw new TensorFileException(file, where + " has a shape that overflows", e);
    }
    budget.charge(where, numel * Float.BYTES);
    ReadLimits.checkDeclaredSize(file, where, byteLength, compressedSize);
    byte[] data = ReadLimits.readExactly(file, where, in, byteLength);
    float[] values = new float[(int) numel];
    ElementConversion.toFloat32(ByteBuffer.wrap(data), dtype).asFloatBuffer().get(values);
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
