package dev.diffusionlab.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Small files that decompress to far more than they hold, built in a few milliseconds: a deflate
 * stream of zeros is a run of identical self-contained blocks, so one compressed mebibyte repeated
 * gives any size; gzip members concatenate the same way.
 */
public final class HostileFiles {
  private static final int MIB = 1 << 20;

  private HostileFiles() {}

  /** {@code data} as a non-final, byte-aligned, self-contained raw deflate block. */
  private static byte[] block(byte[] data) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(data);
    byte[] buffer = new byte[data.length + 64 * 1024];
    int length = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
    deflater.end();
    return java.util.Arrays.copyOf(buffer, length);
  }

  /** A raw deflate stream that inflates to {@code prefix} and then {@code mebibytes} MiB of 0. */
  public static byte[] deflateBomb(byte[] prefix, int mebibytes) {
    byte[] zeros = block(new byte[MIB]);
    ByteArrayOutputStream out = new ByteArrayOutputStream(zeros.length * mebibytes + 2);
    out.writeBytes(block(prefix));
    for (int i = 0; i < mebibytes; i++) {
      out.writeBytes(zeros);
    }
    out.write(0x03); // an empty final block with fixed codes
    out.write(0x00);
    return out.toByteArray();
  }

  /** A gzip file of {@code prefix} followed by {@code mebibytes} MiB of zeros. */
  public static byte[] gzipBomb(byte[] prefix, int mebibytes) throws IOException {
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(member)) {
      gzip.write(new byte[MIB]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream head = new GZIPOutputStream(out)) {
      head.write(prefix);
    }
    for (int i = 0; i < mebibytes; i++) {
      out.writeBytes(member.toByteArray());
    }
    return out.toByteArray();
  }

  /** A zip entry: either {@code stored} bytes, or raw {@code deflated} bytes claiming a size. */
  public record Entry(byte[] stored, byte[] deflated, long inflatedSize) {
    public static Entry stored(byte[] bytes) {
      return new Entry(bytes, null, bytes.length);
    }

    public static Entry deflated(byte[] rawDeflate, long inflatedSize) {
      return new Entry(null, rawDeflate, inflatedSize);
    }
  }

  /**
   * Writes a zip archive by hand, since {@code ZipOutputStream} only stores data it compresses
   * itself: local headers, data, central directory, end record (CRCs are left zero; readers of
   * {@code ZipFile} do not check them).
   */
  public static Path zip(Path file, Map<String, Entry> entries) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    ByteArrayOutputStream central = new ByteArrayOutputStream();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      Entry entry = e.getValue();
      byte[] data = entry.stored() != null ? entry.stored() : entry.deflated();
      int method = entry.stored() != null ? 0 : 8;
      long crc = 0;
      if (entry.stored() != null) {
        CRC32 checksum = new CRC32();
        checksum.update(entry.stored());
        crc = checksum.getValue();
      }
      int offset = body.size();
      ByteBuffer local = little(30 + name.length);
      local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method);
      local.putInt(0).putInt((int) crc).putInt(data.length).putInt((int) entry.inflatedSize());
      local.putShort((short) name.length).putShort((short) 0).put(name);
      body.writeBytes(local.array());
      body.writeBytes(data);
      ByteBuffer dir = little(46 + name.length);
      dir.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0);
      dir.putShort((short) method).putInt(0).putInt((int) crc).putInt(data.length);
      dir.putInt((int) entry.inflatedSize()).putShort((short) name.length).putShort((short) 0);
      dir.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset);
      dir.put(name);
      central.writeBytes(dir.array());
    }
    ByteBuffer end = little(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    end.putShort((short) entries.size()).putShort((short) entries.size());
    end.putInt(central.size()).putInt(body.size()).putShort((short) 0);
    body.writeBytes(central.toByteArray());
    body.writeBytes(end.array());
    return Files.write(file, body.toByteArray());
  }

  private static ByteBuffer little(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
