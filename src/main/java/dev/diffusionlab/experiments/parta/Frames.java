package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.madgag.gif.fmsware.AnimatedGifEncoder;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.data.TestImages;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.pipelines.Trajectory;
import dev.diffusionlab.nn.EmbeddedPrompts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Conversions between sampler tensors and pictures, shared by the part A experiments. */
final class Frames {
  private Frames() {}

  /**
   * Timesteps from the largest multiple of {@code stride} below T down to 0: [990, 960, ..., 0] for
   * 30 (A1.4), and for strides dividing T the "leading" spacing of IF's scheduler with T / stride
   * steps (stride 50: 20 steps).
   */
  static int[] timesteps(int stride, int numTrainTimesteps) {
    return NoiseSchedule.stridedTimesteps(stride * ((numTrainTimesteps - 1) / stride), stride);
  }

  /** Each image of a batch [N, C, H, W] in [-1, 1] as a picture. */
  static List<BufferedImage> images(NDArray batch) {
    long[] s = batch.getShape().getShape();
    return images(
        batch.toType(DataType.FLOAT32, false).toFloatArray(), (int) s[0], (int) s[1], (int) s[2]);
  }

  static List<BufferedImage> images(float[] values, int n, int channels, int size) {
    int per = channels * size * size;
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] one = new float[per];
      System.arraycopy(values, i * per, one, 0, per);
      out.add(TestImages.fromSigned(one, channels, size));
    }
    return out;
  }

  /** Image {@code i} of a batch as [H * W] grey values in [0, 1], for the classifier. */
  static float[] grey(NDArray batch, int i) {
    long[] s = batch.getShape().getShape();
    int plane = (int) (s[2] * s[3]);
    float[] values = batch.get(i).toType(DataType.FLOAT32, false).toFloatArray();
    float[] out = new float[plane];
    for (int p = 0; p < plane; p++) {
      float sum = 0;
      for (int c = 0; c < s[1]; c++) {
        sum += values[c * plane + p];
      }
      out[p] = Math.max(0f, Math.min(1f, (sum / s[1] + 1) / 2));
    }
    return out;
  }

  /** The file name of sample k of a prompt: classNN-sK.png for the 20 class prompts. */
  static String sampleName(String prompt, List<String> prompts, int k) {
    int label = EmbeddedPrompts.classOf(prompt).orElse(-1);
    if (label >= 0) {
      return String.format("class%02d-s%d.png", label, k);
    }
    if (prompt.equals(EmbeddedPrompts.GENERIC)) {
      return "generic-s" + k + ".png";
    }
    return String.format("prompt%02d-s%d.png", prompts.indexOf(prompt), k);
  }

  /** A short label for a prompt in a grid. */
  static String label(String prompt) {
    int label = EmbeddedPrompts.classOf(prompt).orElse(-1);
    if (label >= 0) {
      return EmbeddedPrompts.shortName(label);
    }
    return prompt.isEmpty()
        ? "(empty prompt)"
        : prompt.length() > 28 ? prompt.substring(0, 27) + "…" : prompt;
  }

  /**
   * Writes an animated GIF of a sampling trajectory: each frame shows the batch side by side,
   * scaled up, the last frame held longer.
   */
  static void writeGif(List<Trajectory.Frame> frames, Path file, int scale) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      AnimatedGifEncoder gif = new AnimatedGifEncoder();
      gif.start(out);
      gif.setRepeat(0);
      for (int f = 0; f < frames.size(); f++) {
        Trajectory.Frame frame = frames.get(f);
        long[] s = frame.shape().getShape();
        List<BufferedImage> images = images(frame.values(), (int) s[0], (int) s[1], (int) s[2]);
        gif.setDelay(f == frames.size() - 1 ? 1500 : 120);
        gif.addFrame(Images.upscaleNearest(row(images), scale));
      }
      gif.finish();
    }
  }

  /** Images side by side with a 2-pixel white gap. */
  static BufferedImage row(List<BufferedImage> images) {
    int w = images.get(0).getWidth();
    int h = images.get(0).getHeight();
    BufferedImage out =
        new BufferedImage(images.size() * (w + 2) - 2, h, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), h);
    for (int i = 0; i < images.size(); i++) {
      g.drawImage(images.get(i), i * (w + 2), 0, null);
    }
    g.dispose();
    return out;
  }
}
