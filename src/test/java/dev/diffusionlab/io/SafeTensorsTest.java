package dev.diffusionlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading safetensors files, and refusing broken ones with a clear error instead of a crash. */
class SafeTensorsTest {
  @TempDir Path tmp;

  /** A file with one header and raw data, written byte by byte as the format specifies. */
  private Path write(String name, String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json).put(data);
    Path file = tmp.resolve(name);
    Files.write(file, b.array());
    return file;
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void readsF32F16AndBf16AsFloat32() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(1.5f).putFloat(-2f);
    data.putShort((short) 0x3c00).putShort((short) 0xc500); // half 1.0, -5.0
    data.putShort((short) 0x3fc0).putShort((short) 0x0001); // bf16 1.5, tiny subnormal
    Path file =
        write(
            "mixed.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[12,16]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}",
            data.array());
    try (SafeTensors st = SafeTensors.open(file);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals("pt", st.metadata().get("format"));
      assertArrayEquals(new float[] {1.5f, -2f}, st.load("a", m, DataType.FLOAT32).toFloatArray());
      NDArray b = st.load("b", m, DataType.FLOAT32);
      assertArrayEquals(new long[] {1, 2}, b.getShape().getShape());
      assertArrayEquals(new float[] {1f, -5f}, b.toFloatArray());
      assertArrayEquals(
          new float[] {1.5f, Float.intBitsToFloat(0x00010000)},
          st.load("c", m, DataType.FLOAT32).toFloatArray());
      NDArray half = st.load("b", m, DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, half.getDataType());
      assertArrayEquals(new float[] {1f, -5f}, half.toType(DataType.FLOAT32, false).toFloatArray());
    }
  }

  @Test
  void halfConversionCoversSubnormalsAndSpecials() {
    assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001));
    assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff));
    assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.halfToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0x7e00)));
    assertEquals(-0f, HalfFloats.halfToFloat((short) 0x8000));
  }

  @Test
  void fp16FixtureFileEqualsRoundedFp32File() throws IOException {
    Path dir = Fixtures.dir("if-tiny");
    try (SafeTensors f32 = SafeTensors.open(dir.resolve("diffusion_pytorch_model.safetensors"));
        SafeTensors f16 =
            SafeTensors.open(dir.resolve("diffusion_pytorch_model.fp16.safetensors"))) {
      assertEquals(591, f32.names().size());
      assertEquals(f32.names(), f16.names());
      float[] a = f32.readFloats("conv_in.weight");
      float[] b = f16.readFloats("conv_in.weight");
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], Math.abs(a[i]) * 1e-3 + 1e-7);
      }
    }
  }

  @Test
  void rejectsTruncatedFileWhenOpening() throws IOException {
    Path full = Fixtures.dir("if-tiny").resolve("diffusion_pytorch_model.safetensors");
    byte[] all = Files.readAllBytes(full);
    Path cut = tmp.resolve("cut.safetensors");
    Files.write(cut, Arrays.copyOf(all, all.length - 1000));
    TensorFileException e = assertThrows(TensorFileException.class, () -> SafeTensors.open(cut));
    assertTrue(e.getMessage().contains("cut.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    Path headerCut = tmp.resolve("header-cut.safetensors");
    Files.write(headerCut, Arrays.copyOf(all, 100));
    assertThrows(TensorFileException.class, () -> SafeTensors.open(headerCut));
  }

  @Test
  void rejectsMalformedHeaders() throws IOException {
    byte[] data = new byte[8];
    String[] headers = {
      "{not json",
      "[1,2]",
      "{\"a\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
          + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
          + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
      "{\"__metadata__\":{\"format\":7}}",
    };
    for (int i = 0; i < headers.length; i++) {
      Path file = write("bad" + i + ".safetensors", headers[i], data);
      TensorFileException e =
          assertThrows(TensorFileException.class, () -> SafeTensors.open(file), headers[i]);
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
  }

  @Test
  void rejectsImpossibleHeaderLengths() throws IOException {
    Path tiny = tmp.resolve("tiny.safetensors");
    Files.write(tiny, bytes(1, 2, 3));
    assertThrows(TensorFileException.class, () -> SafeTensors.open(tiny));
    Path huge = tmp.resolve("huge.safetensors");
    Files.write(huge, bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '{', '}'));
    TensorFileException e = assertThrows(TensorFileException.class, () -> SafeTensors.open(huge));
    assertTrue(e.getMessage().contains("header length"), e.getMessage());
  }

  @Test
  void rejectsIntegerTensorsAsWeights() throws IOException {
    Path file =
        write(
            "ints.safetensors",
            "{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
            new byte[8]);
    try (SafeTensors st = SafeTensors.open(file);
        NDManager m = NDManager.newBaseManager()) {
      assertThrows(TensorFileException.class, () -> st.load("i", m, DataType.FLOAT32));
      assertThrows(IllegalArgumentException.class, () -> st.info("missing"));
    }
  }

  @Test
  void readsShardedStateDictThroughItsIndex() throws IOException {
    Path one =
        write(
            "model-00001-of-00002.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(3f).array());
    write(
        "model-00002-of-00002.safetensors",
        "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(4f).array());
    Path index = tmp.resolve("model.safetensors.index.json");
    Files.writeString(
        index,
        "{\"metadata\":{},\"weight_map\":{\"a\":\""
            + one.getFileName()
            + "\",\"b\":\"model-00002-of-00002.safetensors\"}}");
    try (ShardedSafeTensors st = ShardedSafeTensors.open(index);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(2, st.names().size());
      assertArrayEquals(new float[] {4f}, st.load("b", m, DataType.FLOAT32).toFloatArray());
    }
    Files.writeString(index, "{\"weight_map\":{\"a\":\"missing.safetensors\"}}");
    assertThrows(TensorFileException.class, () -> ShardedSafeTensors.open(index));
    Files.writeString(index, "{\"weight_map\":{\"a\":\"../escape.safetensors\"}}");
    assertThrows(TensorFileException.class, () -> ShardedSafeTensors.open(index));
    Files.writeString(index, "{\"weight_map\":{\"b\":\"" + one.getFileName() + "\"}}");
    assertThrows(TensorFileException.class, () -> ShardedSafeTensors.open(index));
  }
}
