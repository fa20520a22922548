package dev.diffusionlab.report;

import com.madgag.gif.fmsware.AnimatedGifEncoder;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes frames as a looping GIF, the last frame held longer. */
public final class AnimatedGif {
  private AnimatedGif() {}

  /** Writes {@code frames} with {@code delayMs} between them. */
  public static void write(List<BufferedImage> frames, int delayMs, Path file) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      AnimatedGifEncoder encoder = new AnimatedGifEncoder();
      encoder.start(out);
      encoder.setRepeat(0);
      for (int i = 0; i < frames.size(); i++) {
        encoder.setDelay(i == frames.size() - 1 ? 1500 : delayMs);
        encoder.addFrame(frames.get(i));
      }
      encoder.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
