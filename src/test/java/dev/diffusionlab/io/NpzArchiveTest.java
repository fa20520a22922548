package dev.diffusionlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.testing.HostileFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading NumPy .npz archives of precomputed embeddings. */
class NpzArchiveTest {
  @TempDir Path tmp;

  /** One .npy file: magic, version 1.0, padded header dict, little-endian data. */
  private static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }";
    int total = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
    return b.array();
  }

  private Path npz(Map<String, byte[]> entries) throws IOException {
    Path file = tmp.resolve("embeds.npz");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }

  private static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void readsFloat32Float16AndFortranOrderArrays() throws IOException {
    byte[] halves =
        ByteBuffer.allocate(4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short) 0x3c00)
            .putShort((short) 0x4000)
            .array();
    Path file =
        npz(
            Map.of(
                "a", npy("<f4", false, "(2, 3)", floats(0, 1, 2, 3, 4, 5)),
                "h", npy("<f2", false, "(2,)", halves),
                "f", npy("<f4", true, "(2, 3)", floats(0, 3, 1, 4, 2, 5))));
    Map<String, HostTensor> arrays = NpzArchive.read(file);
    assertArrayEquals(new long[] {2, 3}, arrays.get("a").shape());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, arrays.get("a").values());
    assertArrayEquals(new float[] {1, 2}, arrays.get("h").values());
    assertEquals(TensorDType.F16, arrays.get("h").storedType());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, arrays.get("f").values());
  }

  @Test
  void rejectsIntegerAndTruncatedArrays() throws IOException {
    Path ints = npz(Map.of("i", npy("<i8", false, "(1,)", new byte[8])));
    assertThrows(TensorFileException.class, () -> NpzArchive.read(ints));
    Path cut = npz(Map.of("c", npy("<f4", false, "(4,)", floats(1, 2))));
    assertThrows(TensorFileException.class, () -> NpzArchive.read(cut));
    Path notZip = tmp.resolve("plain.npz");
    Files.writeString(notZip, "not a zip");
    assertThrows(IOException.class, () -> NpzArchive.read(notZip));
  }

  @Test
  void readsNoMoreOfAnArrayThanItsHeaderDeclares() throws IOException {
    // 4 floats declared, then 3 GiB of zeros from a 3 MB entry.
    byte[] header = npy("<f4", false, "(4,)", new byte[0]);
    Path file =
        HostileFiles.zip(
            tmp.resolve("bomb.npz"),
            Map.of(
                "x.npy",
                HostileFiles.Entry.deflated(HostileFiles.deflateBomb(header, 3072), 3L << 30)));
    TensorFileException e = assertThrows(TensorFileException.class, () -> NpzArchive.read(file));
    assertTrue(e.getMessage().contains("bomb.npz"), e.getMessage());
    assertTrue(e.getMessage().contains("more than the 16 bytes"), e.getMessage());
  }

  @Test
  void refusesArraysPastTheTensorLimitOrWhatTheirBytesCanHold() throws IOException {
    // 1.5 MB that honestly inflate to 1.5 GiB of float32 zeros: past the limit of 256 MiB.
    byte[] header = npy("<f4", false, "(402653184,)", new byte[0]);
    Path honest =
        HostileFiles.zip(
            tmp.resolve("honest.npz"),
            Map.of(
                "x.npy",
                HostileFiles.Entry.deflated(HostileFiles.deflateBomb(header, 1536), 1536L << 20)));
    TensorFileException e = assertThrows(TensorFileException.class, () -> NpzArchive.read(honest));
    assertTrue(
        e.getMessage().contains("honest.npz") && e.getMessage().contains("limit of 256 MiB"),
        e.getMessage());

    // 64 MiB declared from a 200-byte entry: more than deflate can produce.
    byte[] liar = npy("<f4", false, "(16777216,)", new byte[0]);
    Path lying =
        HostileFiles.zip(
            tmp.resolve("liar.npz"),
            Map.of("x.npy", HostileFiles.Entry.deflated(HostileFiles.deflateBomb(liar, 0), 1000)));
    e = assertThrows(TensorFileException.class, () -> NpzArchive.read(lying));
    assertTrue(
        e.getMessage().contains("liar.npz") && e.getMessage().contains("1032 times"),
        e.getMessage());
  }
}
