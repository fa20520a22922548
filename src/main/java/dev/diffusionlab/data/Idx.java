package dev.diffusionlab.data;

import java.io.ByteArrayInputStream;
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

  /** Reads the (possibly gzipped) bytes of a file. */
  public static byte[] readBytes(Path file) {
    try {
      byte[] raw = Files.readAllBytes(file);
      if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
          return in.readAllBytes();
        }
      }
      return raw;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
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
