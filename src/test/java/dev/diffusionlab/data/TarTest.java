package dev.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm tarball reader extracts what it should and refuses entries that lie about themselves. */
class TarTest {
  @TempDir Path dir;

  /** One ustar header block with a name and an octal size field as given. */
  private static byte[] header(String name, String octalSize) {
    byte[] block = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, block, 0, n.length);
    byte[] s = octalSize.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(s, 0, block, 124, s.length);
    block[156] = '0';
    return block;
  }

  private Path archive(byte[]... parts) throws IOException {
    Path file = dir.resolve("package.tgz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (byte[] part : parts) {
        out.write(part);
      }
    }
    return file;
  }

  private static byte[] padded(byte[] data) {
    byte[] block = new byte[(data.length + 511) / 512 * 512];
    System.arraycopy(data, 0, block, 0, data.length);
    return block;
  }

  @Test
  void extractsTheFilesUnderThePrefixOnly() throws IOException {
    byte[] data = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
    Path tgz =
        archive(
            header("package/data/a.idx", Long.toOctalString(data.length)),
            padded(data),
            header("package/README.md", "5"),
            padded("hello".getBytes(StandardCharsets.US_ASCII)),
            new byte[1024]);
    Path out = dir.resolve("out");
    Tar.extractGzip(tgz, out, "package/data/");
    assertArrayEquals(data, Files.readAllBytes(out.resolve("package/data/a.idx")));
    assertFalse(Files.exists(out.resolve("package/README.md")));
  }

  @Test
  void refusesAnEntryThatDeclaresMoreThanTheLimit() throws IOException {
    Path tgz = archive(header("package/data/big", Long.toOctalString(1L << 40)), new byte[1024]);
    IOException e =
        assertThrows(IOException.class, () -> Tar.extractGzip(tgz, dir.resolve("o"), "package/"));
    assertTrue(e.getMessage().contains("package/data/big"), e.getMessage());
    assertTrue(e.getMessage().contains("over the limit of " + Tar.MAX_ENTRY_BYTES), e.getMessage());
  }

  @Test
  void refusesABadSizeFieldAndAnEntryCutShort() throws IOException {
    Path bad = archive(header("package/data/x", "12z"), new byte[1024]);
    IOException e =
        assertThrows(IOException.class, () -> Tar.extractGzip(bad, dir.resolve("o"), "package/"));
    assertTrue(e.getMessage().contains("bad size field '12z'"), e.getMessage());

    Path cut = archive(header("package/data/y", Long.toOctalString(4096)), new byte[100]);
    e = assertThrows(IOException.class, () -> Tar.extractGzip(cut, dir.resolve("p"), "package/"));
    assertTrue(e.getMessage().contains("package/data/y is cut short"), e.getMessage());
  }

  @Test
  void refusesANameThatLeavesTheFolder() throws IOException {
    Path tgz = archive(header("package/../../evil", "1"), padded(new byte[] {1}), new byte[1024]);
    IOException e =
        assertThrows(IOException.class, () -> Tar.extractGzip(tgz, dir.resolve("o"), "package/"));
    assertTrue(e.getMessage().contains("leaves the extraction folder"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("evil")));
  }
}
