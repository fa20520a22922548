package dev.diffusionlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.testing.Fixtures;
import dev.diffusionlab.testing.HostileFiles;
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

  /** A pickle written opcode by opcode. */
  private static final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle op(int... ops) {
      for (int op : ops) {
        out.write(op);
      }
      return this;
    }

    Pickle text(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
      return this;
    }

    /** BINUNICODE. */
    Pickle str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op('X').binint32(b.length);
      out.writeBytes(b);
      return this;
    }

    /** BININT. */
    Pickle integer(int v) {
      return op('J').binint32(v);
    }

    private Pickle binint32(int v) {
      return op(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  /**
   * A {@code torch.save} dict of {@code tensors} float tensors t0, t1, ..., each the view ({@code
   * shape}, {@code stride}) of storage '0', which declares {@code storageNumel} elements.
   */
  private static byte[] tensorDict(int tensors, int storageNumel, int[] shape, int[] stride) {
    Pickle p = new Pickle().op(0x80, 2, '}', '(');
    for (int k = 0; k < tensors; k++) {
      p.str("t" + k).text("ctorch._utils\n_rebuild_tensor_v2\n").op('(');
      p.op('(').str("storage").text("ctorch\nFloatStorage\n").str("0").str("cpu");
      p.integer(storageNumel).op('t', 'Q');
      p.integer(0).op('(');
      for (int d : shape) {
        p.integer(d);
      }
      p.op('t', '(');
      for (int d : stride) {
        p.integer(d);
      }
      p.op('t', 0x89, 't', 'R');
    }
    return p.op('u', '.').bytes();
  }

  private Path checkpoint(String name, byte[] pickle, HostileFiles.Entry storage)
      throws IOException {
    Map<String, HostileFiles.Entry> entries = new java.util.LinkedHashMap<>();
    entries.put(name + "/data.pkl", HostileFiles.Entry.stored(pickle));
    entries.put(name + "/data/0", storage);
    return HostileFiles.zip(tmp.resolve(name + ".pth"), entries);
  }

  @Test
  void readsATensorDictBuiltByTheTestPickler() throws IOException {
    byte[] storage = new byte[24];
    java.nio.ByteBuffer.wrap(storage)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .put(new float[] {0, 1, 2, 3, 4, 5});
    Path file =
        checkpoint(
            "ok",
            tensorDict(1, 6, new int[] {3, 2}, new int[] {1, 3}),
            HostileFiles.Entry.stored(storage));
    HostTensor t = TorchCheckpoint.read(file).get("t0");
    // The transpose of [[0, 1, 2], [3, 4, 5]]: element (i, j) is storage[i + 3 j].
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.values());
  }

  @Test
  void refusesListsSharingSubListsInsteadOfWalkingEveryPath() throws IOException {
    // memo[0] = []; memo[i] = [memo[i-1], memo[i-1]]: 450 bytes, 2^63 paths to the bottom.
    Pickle p = new Pickle().op(0x80, 2, ']', 'q', 0);
    for (int i = 1; i < 64; i++) {
      p.op('(', 'h', i - 1, 'h', i - 1, 'l', 'q', i);
    }
    Path file = zipCheckpoint("shared", p.op('.').bytes());
    TensorFileException e =
        assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(20),
            () -> assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(file)));
    assertTrue(e.getMessage().contains("shared.pth"), e.getMessage());
    assertTrue(e.getMessage().contains("limit of " + TorchCheckpoint.MAX_VISITS), e.getMessage());
  }

  @Test
  void refusesAListThatContainsItself() throws IOException {
    Path file =
        zipCheckpoint("cycle", new Pickle().op(0x80, 2, ']', 'q', 0, 'h', 0, 'a', '.').bytes());
    TensorFileException e =
        assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(file));
    assertTrue(e.getMessage().contains("cycle.pth"), e.getMessage());
    assertTrue(e.getMessage().contains("limit of " + TorchCheckpoint.MAX_NESTING), e.getMessage());
  }

  @Test
  void refusesZeroStrideViewsThatRepeatOneElement() throws IOException {
    // Ten [20000, 20000] views of a single float: 16 GB to materialize from a 1.7 KB file.
    Path file =
        checkpoint(
            "repeat",
            tensorDict(10, 1, new int[] {20000, 20000}, new int[] {0, 0}),
            HostileFiles.Entry.stored(new byte[4]));
    TensorFileException e =
        assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(file));
    assertTrue(e.getMessage().contains("repeat.pth"), e.getMessage());
    assertTrue(e.getMessage().contains("views that repeat elements"), e.getMessage());
  }

  @Test
  void readsNoMoreOfAStorageRecordThanItsDeclaredSize() throws IOException {
    // A 3 MB record that inflates to 3 GiB behind a storage of 4 floats.
    Path file =
        checkpoint(
            "bomb",
            tensorDict(1, 4, new int[] {4}, new int[] {1}),
            HostileFiles.Entry.deflated(HostileFiles.deflateBomb(new byte[0], 3072), 3L << 30));
    TensorFileException e =
        assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(file));
    assertTrue(e.getMessage().contains("bomb.pth"), e.getMessage());
    assertTrue(e.getMessage().contains("more than the 16 bytes"), e.getMessage());
  }

  @Test
  void refusesStoragesPastTheTensorLimit() throws IOException {
    // A storage of 2^27 floats (512 MiB) from a 512 KB record of zeros: consistent, but too big.
    Path file =
        checkpoint(
            "huge",
            tensorDict(1, 1 << 27, new int[] {1 << 27}, new int[] {1}),
            HostileFiles.Entry.deflated(HostileFiles.deflateBomb(new byte[0], 512), 512L << 20));
    TensorFileException e =
        assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(file));
    assertTrue(e.getMessage().contains("huge.pth"), e.getMessage());
    assertTrue(e.getMessage().contains("limit of 256 MiB"), e.getMessage());
  }

  @Test
  void refusesPicklesPastTheSizeAndMemoReferenceLimits() throws IOException {
    byte[] text = new byte[RestrictedUnpickler.MAX_PICKLE_BYTES + 16];
    java.util.Arrays.fill(text, (byte) 'a');
    Pickle big = new Pickle().op(0x80, 2, 0x8d);
    for (int i = 0; i < 8; i++) {
      big.op(i == 0 ? 16 : i == 3 ? 1 : 0); // SHORT_BINUNICODE8 length 2^24 + 16
    }
    Path large =
        zipCheckpoint(
            "large", big.text(new String(text, StandardCharsets.ISO_8859_1)).op('.').bytes());
    TensorFileException e =
        assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(large));
    assertTrue(
        e.getMessage().contains("large.pth") && e.getMessage().contains("16 MiB"), e.getMessage());

    Pickle refs = new Pickle().op(0x80, 2, 'N', 'q', 0);
    for (int i = 0; i <= RestrictedUnpickler.MAX_MEMO_REFERENCES; i++) {
      refs.op('h', 0, '0');
    }
    Path memo = zipCheckpoint("memo", refs.op('.').bytes());
    e = assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(memo));
    assertTrue(
        e.getMessage().contains("memo.pth")
            && e.getMessage().contains("limit of " + RestrictedUnpickler.MAX_MEMO_REFERENCES),
        e.getMessage());
  }
}
