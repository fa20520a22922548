package dev.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  /** An IDX file: magic 0x0000080n, big-endian sizes, then the bytes. */
  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt(0x00000800 | dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void readsImagesAndLabelsPlainAndGzipped() throws IOException {
    byte[] pixels = {0, (byte) 255, 10, 20, 30, 40, 50, (byte) 128};
    Path images = Files.write(dir.resolve("img.gz"), gzip(idx(new int[] {2, 2, 2}, pixels)));
    Path labels = Files.write(dir.resolve("lab"), idx(new int[] {2}, new byte[] {7, 3}));
    LabeledImages set = LabeledImages.read(images, labels);
    assertEquals(2, set.count());
    assertArrayEquals(new int[] {7, 3}, set.labels());
    assertArrayEquals(new float[] {0, 1, 10 / 255f, 20 / 255f}, set.image(0));
    assertEquals(128 / 255f, set.image(1)[3]);
  }

  @Test
  void rejectsTruncatedWrongMagicAndWrongDimensions() throws IOException {
    byte[] good = idx(new int[] {3, 2, 2}, new byte[12]);
    Path truncated = Files.write(dir.resolve("t"), Arrays.copyOf(good, good.length - 1));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(truncated, 3));
    assertTrue(
        e.getMessage().contains("truncated") && e.getMessage().contains(truncated.toString()),
        e.getMessage());

    byte[] wrongMagic = good.clone();
    wrongMagic[2] = 0x0d; // float data, not unsigned bytes
    Path magic = Files.write(dir.resolve("m"), wrongMagic);
    assertTrue(
        assertThrows(IdxFormatException.class, () -> Idx.read(magic, 3))
            .getMessage()
            .contains("not an unsigned-byte IDX file"));

    Path labels = Files.write(dir.resolve("l"), idx(new int[] {12}, new byte[12]));
    assertTrue(
        assertThrows(IdxFormatException.class, () -> Idx.read(labels, 3))
            .getMessage()
            .contains("has 1 dimensions, expected 3"));

    Path trailing = Files.write(dir.resolve("x"), Arrays.copyOf(good, good.length + 3));
    assertTrue(
        assertThrows(IdxFormatException.class, () -> Idx.read(trailing, 3))
            .getMessage()
            .contains("trailing data"));

    Path tiny = Files.write(dir.resolve("z"), new byte[] {0, 0});
    assertThrows(IdxFormatException.class, () -> Idx.read(tiny, 1));
  }

  @Test
  void rejectsImagesAndLabelsOfDifferentCounts() throws IOException {
    Path images = Files.write(dir.resolve("i"), idx(new int[] {2, 1, 1}, new byte[2]));
    Path labels = Files.write(dir.resolve("l"), idx(new int[] {3}, new byte[3]));
    assertThrows(IdxFormatException.class, () -> LabeledImages.read(images, labels));
  }

  @Test
  void fetcherUsesAVerifiedDataFolderAndRejectsWrongChecksums() throws IOException {
    Dataset tiny =
        new Dataset(
            "tiny",
            java.util.List.of(
                new Dataset.DatasetFile("a", sha(idx(new int[] {1}, new byte[] {1})))),
            java.util.List.of(),
            java.util.List.of("x"));
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("tiny"));
    Files.write(data.resolve("tiny/a.gz"), gzip(idx(new int[] {1}, new byte[] {1})));
    DatasetFetcher fetcher =
        new DatasetFetcher(
            Optional.of(data), dir.resolve("cache"), dev.diffusionlab.util.Progress.silent());
    assertEquals(data.resolve("tiny"), fetcher.fetch(tiny));

    Files.write(data.resolve("tiny/a.gz"), gzip(idx(new int[] {1}, new byte[] {2})));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> fetcher.fetch(tiny));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("DIFFUSION_LAB_DATA"), e.getMessage());
  }

  @Test
  void stopsReadingAGzipBombAtTheSizeItsHeaderDeclares() throws IOException {
    // 3 MB of gzip members: a one-label IDX file followed by 3 GiB of zeros.
    Path bomb =
        Files.write(
            dir.resolve("bomb.gz"),
            dev.diffusionlab.testing.HostileFiles.gzipBomb(idx(new int[] {1}, new byte[1]), 3072));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(bomb, 1));
    assertTrue(
        e.getMessage().contains("bomb.gz") && e.getMessage().contains("trailing data"),
        e.getMessage());

    Path huge =
        Files.write(dir.resolve("huge.gz"), gzip(idx(new int[] {60000, 280, 28}, new byte[0])));
    e = assertThrows(IdxFormatException.class, () -> Idx.read(huge, 3));
    assertTrue(
        e.getMessage().contains("huge.gz") && e.getMessage().contains("limit of 128 MiB"),
        e.getMessage());
  }

  private static String sha(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
