package dev.diffusionlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Extracts regular files from a gzipped ustar archive (what {@code npm pack} writes). */
final class Tar {
  private static final int BLOCK = 512;

  private Tar() {}

  /**
   * Extracts the regular files whose names start with {@code prefix} into {@code out}, refusing
   * names that would leave it.
   */
  static void extractGzip(Path archive, Path out, String prefix) throws IOException {
    Path root = out.toAbsolutePath().normalize();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
      byte[] header = new byte[BLOCK];
      while (in.readNBytes(header, 0, BLOCK) == BLOCK) {
        String name = text(header, 0, 100);
        if (name.isEmpty()) {
          return;
        }
        String ustarPrefix = text(header, 345, 155);
        if (!ustarPrefix.isEmpty()) {
          name = ustarPrefix + "/" + name;
        }
        long size =
            Long.parseLong(
                text(header, 124, 12).trim().isEmpty() ? "0" : text(header, 124, 12).trim(), 8);
        byte type = header[156];
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if ((type == '0' || type == 0) && name.startsWith(prefix)) {
          Path target = root.resolve(name).normalize();
          if (!target.startsWith(root)) {
            throw new IOException(archive + ": entry " + name + " leaves the extraction folder");
          }
          Files.createDirectories(target.getParent());
          Files.write(target, in.readNBytes((int) size));
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
      }
    }
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
