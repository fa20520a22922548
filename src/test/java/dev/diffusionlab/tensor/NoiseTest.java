package dev.diffusionlab.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoiseTest {

  @Test
  void aStreamIsJavaRandomOfItsSeed() {
    Random reference = new Random(42);
    float[] expected = new float[5];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (float) reference.nextGaussian();
    }
    assertArrayEquals(expected, Noise.seeded(42).normal(5), 0f);
    try (NDManager manager = NDManager.newBaseManager()) {
      assertArrayEquals(
          expected, Noise.seeded(42).normal(manager, new Shape(1, 5)).toFloatArray(), 0f);
      float first = new Random(9).nextFloat();
      assertEquals(first, Noise.seeded(9).uniform(manager, new Shape(1)).getFloat(0), 0f);
    }
  }

  @Test
  void deriveSeedsAChildWithTheFirstEightBytesOfSha256() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(ByteBuffer.allocate(32).putLong(7).putLong(2).putLong(3).putLong(4).array());
    sha.update("sample".getBytes(StandardCharsets.UTF_8));
    long expected = ByteBuffer.wrap(sha.digest()).getLong();
    assertEquals(expected, Noise.seeded(7).derive("sample", 3, 4).seed());
  }

  @Test
  void derivedStreamsAreDeterministicAndDoNotDependOnWhatTheParentDrew() {
    Noise parent = Noise.seeded(180);
    float[] before = parent.derive("sdedit", 1, 2).normal(8);
    parent.normal(1000);
    assertArrayEquals(before, parent.derive("sdedit", 1, 2).normal(8), 0f);
    assertArrayEquals(before, Noise.seeded(180).derive("sdedit", 1, 2).normal(8), 0f);
  }

  @Test
  void differentTagsIndicesAndSeedsGiveDifferentStreams() {
    Set<Long> seeds = new HashSet<>();
    for (String tag : new String[] {"sample", "sdedit", "inpaint"}) {
      for (long i = 0; i < 20; i++) {
        for (long j = 0; j < 5; j++) {
          seeds.add(Noise.seeded(180).derive(tag, i, j).seed());
        }
      }
    }
    assertEquals(3 * 20 * 5, seeds.size());
    // (1, 23) and (12, 3) or a tag's digits moved into an index must not collide.
    assertNotEquals(
        Noise.seeded(0).derive("a", 1, 23).seed(), Noise.seeded(0).derive("a", 12, 3).seed());
    assertNotEquals(Noise.seeded(0).derive("a1").seed(), Noise.seeded(0).derive("a", 1).seed());
    assertNotEquals(Noise.seeded(1).derive("a").seed(), Noise.seeded(2).derive("a").seed());
    assertFalse(
        Arrays.equals(
            Noise.seeded(5).derive("x", 0).normal(16), Noise.seeded(5).derive("x", 1).normal(16)));
  }

  @Test
  void derivedStreamsAreUncorrelatedStandardNormals() {
    int n = 20000;
    float[] a = Noise.seeded(3).derive("a").normal(n);
    float[] b = Noise.seeded(3).derive("b").normal(n);
    double mean = 0;
    double var = 0;
    double cross = 0;
    for (int i = 0; i < n; i++) {
      mean += a[i];
      var += a[i] * a[i];
      cross += a[i] * b[i];
    }
    // Standard errors: 1/sqrt(n) = 0.007 for the mean and the correlation, 0.01 for the variance.
    assertEquals(0, mean / n, 0.03);
    assertEquals(1, var / n, 0.04);
    assertEquals(0, cross / n, 0.03);
  }
}
