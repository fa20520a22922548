package dev.diffusionlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * The one seeded source of random numbers: a stream of standard normal and uniform draws from a
 * seed, and independent child streams named by a tag and indices ({@link #derive}), so every draw
 * of a run follows from the experiment's seed whatever else drew numbers before, on every machine
 * and engine.
 *
 * <p>A stream is {@link java.util.Random} seeded with the seed; {@code derive(tag, i...)} seeds a
 * new stream with the first 8 bytes of {@code SHA-256(seed, tag, i...)}, which depends on the
 * parent's seed only, not on how much of the parent was drawn.
 */
public final class Noise {
  private final long seed;
  private final Random random;

  private Noise(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** The stream of {@code seed}. */
  public static Noise seeded(long seed) {
    return new Noise(seed);
  }

  /** This stream's seed. */
  public long seed() {
    return seed;
  }

  /**
   * An independent stream for one purpose, e.g. {@code derive("sample", prompt, repeat)}: the same
   * tag and indices give the same stream, any other tag or index another one.
   */
  public Noise derive(String tag, long... indices) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES * (2 + indices.length));
      buffer.putLong(seed).putLong(indices.length);
      for (long i : indices) {
        buffer.putLong(i);
      }
      sha.update(buffer.array());
      sha.update(tag.getBytes(StandardCharsets.UTF_8));
      return new Noise(ByteBuffer.wrap(sha.digest()).getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** N(0, I) of the given shape on {@code manager}, the next draws of this stream. */
  public NDArray normal(NDManager manager, Shape shape) {
    return normal(random, manager, shape);
  }

  /** The next {@code n} standard normal draws. */
  public float[] normal(int n) {
    return normal(random, n);
  }

  /** U[0, 1) of the given shape on {@code manager}. */
  public NDArray uniform(NDManager manager, Shape shape) {
    return uniform(random, manager, shape);
  }

  /**
   * N(0, I) of the given shape drawn from {@code random}, e.g. a training epoch's stream (the same
   * values as a {@link Noise} of that stream gives).
   */
  public static NDArray normal(Random random, NDManager manager, Shape shape) {
    return manager.create(normal(random, Math.toIntExact(shape.size())), shape);
  }

  private static float[] normal(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  /** U[0, 1) of the given shape drawn from {@code random}. */
  public static NDArray uniform(Random random, NDManager manager, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return manager.create(values, shape);
  }

  /** The next standard normal draw. */
  public double nextGaussian() {
    return random.nextGaussian();
  }

  /** The next uniform draw in [0, 1). */
  public double nextDouble() {
    return random.nextDouble();
  }

  /** The next integer uniform in [0, bound). */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /**
   * The stream as a {@link Random}, for code that takes one (shuffles, weight initialisation); its
   * draws advance this stream.
   */
  public Random random() {
    return random;
  }
}
