package dev.diffusionlab.data;

import dev.diffusionlab.io.ReadLimits;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads unsigned-byte IDX files (the MNIST format): a 4-byte magic {@code 0x00 0x00 0x08 n} with n
 * dimensions, n big-endian 32-bit sizes, then the bytes. Gzipped files are read transparently.
 */
public final class Idx {
  private static final int UNSIGNED_BYTE = 0x08;

  private Idx() {}

  /**
   * An IDX array of unsigned bytes.
   *
   * @param dims the sizes, e.g. [60000, 28, 28]
   * @param data the values, row-major
   */
  public record Array(int[] dims, byte[] data) {
    /** The value at a flat index as 0–255. */
    public int unsigned(int index) {
      return data[index] & 0xff;
    }
  }

  /**
   * The most bytes an IDX file may hold once decompressed: MNIST's training images are 47 MB, so
   * this leaves room while a deflate bomb stops long before the heap does.
   */
  public static final long MAX_BYTES = 128L << 20;

  /**
   * Reads the (possibly gzipped) bytes of an IDX file: its header, then no more data than the
   * header declares plus one byte (so {@link #parse} can tell trailing data), so a small file that
   * decompresses to gigabytes is never inflated.
   *
   * @throws IdxFormatException naming the file if the header declares more than {@link #MAX_BYTES}
   */
  public static byte[] readBytes(Path file) {
    try (InputStream in = open(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] magic = in.readNBytes(4);
      out.writeBytes(magic);
      if (magic.length < 4) {
        return out.toByteArray();
      }
      int dims = magic[3] & 0xff;
      byte[] sizes = in.readNBytes(4 * dims);
      out.writeBytes(sizes);
      if (sizes.length < 4 * dims) {
        return out.toByteArray();
      }
      ByteBuffer header = ByteBuffer.wrap(sizes);
      long count = 1;
      for (int i = 0; i < dims; i++) {
        count *= Math.max(0, header.getInt());
        if (count > MAX_BYTES) {
          throw new IdxFormatException(
              file
                  + ": its header declares more than the limit of "
                  + ReadLimits.describeBytes(MAX_BYTES)
                  + " of data");
        }
      }
      out.writeBytes(in.readNBytes((int) count + 1));
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file));
    raw.mark(2);
    int first = raw.read();
    int second = raw.read();
    raw.reset();
    return first == 0x1f && second == 0x8b ? new GZIPInputStream(raw) : raw;
  }

  /**
   * Parses an IDX file and checks it has {@code expectedDims} dimensions.
   *
   * @throws IdxFormatException naming the file for a wrong magic number, dimension count or length
   */
  public static Array read(Path file, int expectedDims) {
    return parse(file.toString(), readBytes(file), expectedDims);
  }

  /** Parses IDX bytes; {@code name} is used in error messages. */
  public static Array parse(String name, byte[] bytes, int expectedDims) {
    if (bytes.length < 4) {
      throw new IdxFormatException(
          name + ": too short for an IDX file (" + bytes.length + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int magic = buffer.getInt();
    int type = (magic >> 8) & 0xff;
    int dims = magic & 0xff;
    if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE) {
      throw new IdxFormatException(
          String.format(
              "%s: not an unsigned-byte IDX file (magic 0x%08x, expected 0x000008%02x)",
              name, magic, expectedDims));
    }
    if (dims != expectedDims) {
      throw new IdxFormatException(
          name + ": has " + dims + " dimensions, expected " + expectedDims);
    }
    if (bytes.length < 4 + 4 * dims) {
      throw new IdxFormatException(name + ": truncated header");
    }
    int[] sizes = new int[dims];
    long count = 1;
    for (int i = 0; i < dims; i++) {
      sizes[i] = buffer.getInt();
      if (sizes[i] <= 0) {
        throw new IdxFormatException(name + ": dimension " + i + " has size " + sizes[i]);
      }
      count *= sizes[i];
    }
    long expected = 4L + 4L * dims + count;
    if (bytes.length != expected) {
      throw new IdxFormatException(
          name
              + ": "
              + bytes.length
              + " bytes, but its header "
              + Arrays.toString(sizes)
              + " needs "
              + expected
              + (bytes.length < expected ? " (truncated)" : " (trailing data)"));
    }
    return new Array(sizes, Arrays.copyOfRange(bytes, 4 + 4 * dims, bytes.length));
  }
}
