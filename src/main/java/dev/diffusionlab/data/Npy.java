package dev.diffusionlab.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Float32 arrays in NumPy's {@code .npy} format (version 1.0, little-endian, C order), so results
 * passed between experiments are exact and readable with {@code numpy.load}.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  /** numpy writes headers of a few hundred bytes; a longer one is not a float array's. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private Npy() {}

  /** An array and its shape. */
  public record Array(float[] data, long[] shape) {
    public Array {
      long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (size != data.length) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
      }
    }
  }

  public static void write(Path file, float[] data, long... shape) {
    new Array(data, shape);
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    }
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    header = header + " ".repeat(padding) + "\n";
    ByteBuffer body = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    body.asFloatBuffer().put(data);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(MAGIC);
      out.write(new byte[] {1, 0});
      byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
      out.write(new byte[] {(byte) (headerBytes.length & 0xff), (byte) (headerBytes.length >> 8)});
      out.write(headerBytes);
      out.write(body.array());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Reads a float32 {@code .npy} file.
   *
   * @throws IllegalArgumentException naming the file if it is not a little-endian float32 array
   */
  public static Array read(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(raw)) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException(file + ": not a .npy file");
      }
      int major = in.readUnsignedByte();
      in.readUnsignedByte();
      long headerLength =
          major == 1
              ? Short.toUnsignedInt(Short.reverseBytes(in.readShort()))
              : Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
      if (headerLength > MAX_HEADER_BYTES) {
        throw new IllegalArgumentException(
            file
                + ": header of "
                + headerLength
                + " bytes passes the limit of "
                + MAX_HEADER_BYTES);
      }
      String header = new String(in.readNBytes((int) headerLength), StandardCharsets.US_ASCII);
      if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
        throw new IllegalArgumentException(
            file + ": expected a little-endian float32 C-order array");
      }
      Matcher m = SHAPE.matcher(header);
      if (!m.find()) {
        throw new IllegalArgumentException(file + ": header has no shape");
      }
      long[] shape = parseShape(file, m.group(1));
      long size = 1;
      // The header is checked against the file before anything is allocated for it.
      long available = Files.size(file) - MAGIC.length - 4 - headerLength;
      for (long d : shape) {
        size *= d;
        if (size > available / 4) {
          throw new IllegalArgumentException(
              file
                  + ": shape "
                  + Arrays.toString(shape)
                  + " needs more floats than the file's "
                  + available
                  + " data bytes hold (truncated)");
        }
      }
      byte[] body = in.readNBytes((int) (4 * size));
      if (body.length != 4 * size) {
        throw new IllegalArgumentException(file + ": truncated, expected " + size + " floats");
      }
      float[] data = new float[(int) size];
      ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      return new Array(data, shape);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static long[] parseShape(Path file, String tuple) {
    try {
      long[] shape =
          Arrays.stream(tuple.split(","))
              .map(String::trim)
              .filter(d -> !d.isEmpty())
              .mapToLong(Long::parseLong)
              .toArray();
      if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
        throw new NumberFormatException("negative");
      }
      return shape;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": bad shape (" + tuple + ") in its header", e);
    }
  }
}
