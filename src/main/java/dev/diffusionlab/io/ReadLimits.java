package dev.diffusionlab.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The bounds every reader of an untrusted tensor or data file keeps to. Committed files are input
 * an attacker may write, so a small hostile file (a deflate bomb, a view that repeats one element a
 * billion times, a header that declares more than the file holds) must fail with a message naming
 * the file and the limit, before the memory is allocated.
 */
public final class ReadLimits {
  /**
   * The float32 bytes one tensor file (such as a prompt-embedding dict) may materialize: 256 MiB,
   * about 200 T5-XXL prompt embeddings of 77 × 4096 values.
   */
  public static final long MAX_TENSOR_BYTES = 256L << 20;

  /** Deflate cannot expand its input by more than 1032 times; a record that claims more lies. */
  public static final long MAX_DEFLATE_RATIO = 1032;

  private ReadLimits() {}

  /**
   * Reads exactly {@code length} bytes, the size a header declared, and checks that nothing
   * follows: a stream that ends early is truncated, one that goes on is malformed (or a bomb), and
   * neither is read further than one byte past the declared size.
   *
   * @param what names the record in messages, e.g. {@code array 'x'}
   */
  public static byte[] readExactly(Path file, String what, InputStream in, long length)
      throws TensorFileException {
    if (length > Integer.MAX_VALUE - 8) {
      throw new TensorFileException(
          file, what + " declares " + length + " bytes; records above 2 GiB are not read");
    }
    try {
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length < length) {
        throw new TensorFileException(
            file,
            what + " ends after " + bytes.length + " of its " + length + " bytes (truncated)");
      }
      if (in.read() >= 0) {
        throw new TensorFileException(
            file, what + " holds more than the " + length + " bytes its header declares");
      }
      return bytes;
    } catch (TensorFileException e) {
      throw e;
    } catch (IOException e) {
      throw new TensorFileException(file, what + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a record whose size no header declares, refusing it once it passes {@code limit} bytes.
   */
  public static byte[] readAtMost(Path file, String what, InputStream in, long limit)
      throws TensorFileException {
    try {
      byte[] bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > limit) {
        throw new TensorFileException(
            file, what + " is larger than the limit of " + describeBytes(limit));
      }
      return bytes;
    } catch (TensorFileException e) {
      throw e;
    } catch (IOException e) {
      throw new TensorFileException(file, what + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Checks a size a header declares against what the file can hold: at most {@code
   * MAX_DEFLATE_RATIO} times the compressed bytes it comes from (the stored bytes themselves when
   * the record is not compressed).
   */
  public static void checkDeclaredSize(Path file, String what, long declared, long compressed)
      throws TensorFileException {
    long possible =
        compressed > Long.MAX_VALUE / MAX_DEFLATE_RATIO
            ? Long.MAX_VALUE
            : Math.max(compressed, 0) * MAX_DEFLATE_RATIO + 1024;
    if (declared > possible) {
      throw new TensorFileException(
          file,
          what
              + " declares "
              + describeBytes(declared)
              + " but comes from "
              + compressed
              + " stored bytes, more than deflate can expand to (at most "
              + MAX_DEFLATE_RATIO
              + " times)");
    }
  }

  /**
   * What one file has materialized so far, against {@link #MAX_TENSOR_BYTES}: a reader charges
   * every tensor before allocating it.
   */
  public static final class TensorBudget {
    private final Path file;
    private long spent;

    public TensorBudget(Path file) {
      this.file = file;
    }

    /** Charges {@code bytes} for {@code what}, refusing once the file's total passes the limit. */
    public void charge(String what, long bytes) throws TensorFileException {
      if (bytes < 0 || bytes > MAX_TENSOR_BYTES - spent) {
        throw new TensorFileException(
            file,
            what
                + " would bring the file's tensors past the limit of "
                + describeBytes(MAX_TENSOR_BYTES)
                + " (declared "
                + describeBytes(bytes)
                + ")");
      }
      spent += bytes;
    }
  }

  /** A byte count for messages: exact below 1 MiB, else in MiB. */
  public static String describeBytes(long bytes) {
    return bytes < (1L << 20) ? bytes + " bytes" : (bytes >> 20) + " MiB";
  }
}
