package dev.diffusionlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Extracts regular files from a gzipped ustar archive (what {@code npm pack} writes). */
final class Tar {
  private static final int BLOCK = 512;

  /** The largest file extracted (MNIST's training images are 47 MB uncompressed). */
  static final long MAX_ENTRY_BYTES = 128L << 20;

  /** The most extracted in all, whatever the archive claims. */
  static final long MAX_TOTAL_BYTES = 512L << 20;

  private Tar() {}

  /**
   * Extracts the regular files whose names start with {@code prefix} into {@code out}, refusing
   * names that would leave it.
   */
  static void extractGzip(Path archive, Path out, String prefix) throws IOException {
    Path root = out.toAbsolutePath().normalize();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
      byte[] header = new byte[BLOCK];
      long extracted = 0;
      while (in.readNBytes(header, 0, BLOCK) == BLOCK) {
        String name = text(header, 0, 100);
        if (name.isEmpty()) {
          return;
        }
        String ustarPrefix = text(header, 345, 155);
        if (!ustarPrefix.isEmpty()) {
          name = ustarPrefix + "/" + name;
        }
        long size = entrySize(archive, name, text(header, 124, 12).trim());
        byte type = header[156];
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if ((type == '0' || type == 0) && name.startsWith(prefix)) {
          Path target = root.resolve(name).normalize();
          if (!target.startsWith(root)) {
            throw new IOException(archive + ": entry " + name + " leaves the extraction folder");
          }
          extracted += size;
          if (extracted > MAX_TOTAL_BYTES) {
            throw new IOException(
                archive + ": more than " + MAX_TOTAL_BYTES + " bytes to extract (the limit)");
          }
          Files.createDirectories(target.getParent());
          try (OutputStream file = Files.newOutputStream(target)) {
            copy(in, file, size, archive + ": entry " + name);
          }
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
      }
    }
  }

  /** Copies exactly {@code size} bytes, in pieces: an entry is never held in memory whole. */
  private static void copy(InputStream in, OutputStream out, long size, String what)
      throws IOException {
    byte[] buffer = new byte[1 << 16];
    for (long left = size; left > 0; ) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException(what + " is cut short");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  /** The octal size field of a header, bounded by {@link #MAX_ENTRY_BYTES}. */
  private static long entrySize(Path archive, String name, String field) throws IOException {
    long size;
    try {
      size = field.isEmpty() ? 0 : Long.parseLong(field, 8);
    } catch (NumberFormatException e) {
      throw new IOException(archive + ": entry " + name + " has a bad size field '" + field + "'");
    }
    if (size < 0 || size > MAX_ENTRY_BYTES) {
      throw new IOException(
          archive
              + ": entry "
              + name
              + " declares "
              + size
              + " bytes, over the limit of "
              + MAX_ENTRY_BYTES);
    }
    return size;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
