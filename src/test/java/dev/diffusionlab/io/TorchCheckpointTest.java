package dev.diffusionlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading torch.save checkpoints without executing pickle code, and refusing hostile ones. */
class TorchCheckpointTest {
  @TempDir Path tmp;

  @Test
  void readsPromptEmbeddingDictLikeTheCourseFile() throws IOException {
    Path dir = Fixtures.dir("pth");
    Map<String, HostTensor> tensors = TorchCheckpoint.read(dir.resolve("prompt_embeds_small.pth"));
    JsonNode expected =
        new ObjectMapper()
            .readTree(Files.readString(dir.resolve("prompt_embeds_small.expected.json")));
    assertEquals(
        List.of("", "a high quality photo", "an oil painting of an old man", "a rocket ship"),
        List.copyOf(tensors.keySet()));
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      JsonNode exp = expected.get(e.getKey());
      HostTensor t = e.getValue();
      assertArrayEquals(new long[] {1, 77, 32}, t.shape());
      assertEquals(TensorDType.F16, t.storedType());
      float[] values = t.values();
      for (int i = 0; i < 8; i++) {
        assertEquals(exp.get("first8").get(i).floatValue(), values[i], 0f, e.getKey());
      }
      double sum = 0;
      double sumSq = 0;
      for (float v : values) {
        sum += v;
        sumSq += (double) v * v;
      }
      assertEquals(exp.get("sum").asDouble(), sum, 1e-3, e.getKey() + " sum");
      assertEquals(exp.get("sumsq").asDouble(), sumSq, 1e-3, e.getKey() + " sumsq");
    }
  }

  @Test
  void readsLegacyNonZipCheckpoint() throws IOException {
    Map<String, HostTensor> tensors =
        TorchCheckpoint.read(Fixtures.dir("pth").resolve("legacy_format.pth"));
    assertEquals(List.of("x"), List.copyOf(tensors.keySet()));
    assertArrayEquals(new long[] {2, 3}, tensors.get("x").shape());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, tensors.get("x").values());
  }

  /** A zip checkpoint whose data.pkl is {@code pickle}, as torch.save lays it out. */
  private Path zipCheckpoint(String name, byte[] pickle) throws IOException {
    Path file = tmp.resolve(name + ".pth");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name + "/data.pkl"));
      zip.write(pickle);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(name + "/version"));
      zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
    }
    return file;
  }

  private static byte[] pickle(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
      } else if (part instanceof Character c) {
        out.write(c);
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  /**
   * {@code pickle.dumps(Evil())} with {@code __reduce__ = (os.system, ("touch pwned",))}, proto 2.
   */
  private static byte[] osSystemProtocol2(Path marker) {
    String command = "touch " + marker;
    return pickle(
        0x80,
        2,
        "cposix\nsystem\n",
        'q',
        0,
        'X',
        command.length(),
        0,
        0,
        0,
        command,
        0x85,
        'R',
        '.');
  }

  @Test
  void refusesReduceOfOsSystem() throws IOException {
    Path marker = tmp.resolve("pwned");
    for (byte[] evil :
        List.of(
            osSystemProtocol2(marker),
            pickle(0x80, 2, "cos\nsystem\n", 'X', 4, 0, 0, 0, "true", 0x85, 'R', '.'),
            // Protocol 4 names globals with STACK_GLOBAL instead of GLOBAL.
            pickle(0x80, 4, 0x8c, 2, "os", 0x8c, 6, "system", 0x93, 0x8c, 2, "id", 0x85, 'R', '.'),
            // Protocol 0 text form, as hand-written exploits often are.
            pickle("cos\nsystem\n(S'id'\ntR."))) {
      Path file = zipCheckpoint("evil", evil);
      UnsafePickleException e =
          assertThrows(UnsafePickleException.class, () -> TorchCheckpoint.read(file));
      assertTrue(
          e.getMessage().contains("os.system") || e.getMessage().contains("posix.system"),
          e.getMessage());
      Files.delete(file);
    }
    assertFalse(Files.exists(marker), "nothing was executed");
  }

  @Test
  void refusesReduceOfBuiltinsEval() throws IOException {
    byte[] evil = pickle(0x80, 2, "cbuiltins\neval\n", 'X', 3, 0, 0, 0, "1+1", 0x85, 'R', '.');
    UnsafePickleException e =
        assertThrows(
            UnsafePickleException.class, () -> TorchCheckpoint.read(zipCheckpoint("eval", evil)));
    assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
    assertTrue(e.getMessage().contains("eval.pth"), e.getMessage());
  }

  @Test
  void refusesObjectBuildingOpcodesEvenWithAllowedGlobals() throws IOException {
    byte[] build = pickle(0x80, 2, "ccollections\nOrderedDict\n", ')', 'R', '}', 'b', '.');
    assertThrows(
        UnsafePickleException.class, () -> TorchCheckpoint.read(zipCheckpoint("build", build)));
    byte[] inst = pickle('(', "icollections\nOrderedDict\n", '.');
    assertThrows(
        UnsafePickleException.class, () -> TorchCheckpoint.read(zipCheckpoint("inst", inst)));
    byte[] newobj = pickle(0x80, 2, "ccollections\nOrderedDict\n", ')', 0x81, '.');
    assertThrows(
        UnsafePickleException.class, () -> TorchCheckpoint.read(zipCheckpoint("newobj", newobj)));
  }

  @Test
  void refusesMaliciousLegacyStream() throws IOException {
    Path file = tmp.resolve("legacy-evil.pth");
    Files.write(file, pickle(0x80, 2, "cbuiltins\nexec\n", 'X', 1, 0, 0, 0, "0", 0x85, 'R', '.'));
    assertThrows(UnsafePickleException.class, () -> TorchCheckpoint.read(file));
  }

  @Test
  void rejectsTruncatedAndForeignFiles() throws IOException {
    byte[] good = Files.readAllBytes(Fixtures.dir("pth").resolve("legacy_format.pth"));
    Path cut = tmp.resolve("cut.pth");
    Files.write(cut, java.util.Arrays.copyOf(good, good.length - 4));
    assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(cut));
    Path text = tmp.resolve("text.pth");
    Files.writeString(text, "hello");
    assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(text));
    Path truncatedPickle = zipCheckpoint("short", pickle(0x80, 2, '}', 'q'));
    assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(truncatedPickle));
  }
}
