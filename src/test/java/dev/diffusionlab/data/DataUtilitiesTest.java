package dev.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataUtilitiesTest {
  @TempDir Path dir;

  @Test
  void npyRoundTripsAndRejectsTruncatedFiles() throws Exception {
    Path file = dir.resolve("a.npy");
    float[] data = {1, -2.5f, 3, 4, 5, 6};
    Npy.write(file, data, 2, 3);
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(0, (bytes.length - 24) % 4);
    assertEquals(0, (10 + (bytes[8] & 0xff)) % 64, "header padded to 64 bytes as numpy does");
    Npy.Array read = Npy.read(file);
    assertArrayEquals(data, read.data());
    assertArrayEquals(new long[] {2, 3}, read.shape());
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }
}
