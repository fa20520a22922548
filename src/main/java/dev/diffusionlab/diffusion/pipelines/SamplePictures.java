package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.data.TestImages;
import dev.diffusionlab.report.AnimatedGif;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Pictures of what a sampling loop produces: batches of [-1, 1] images and their trajectories. */
public final class SamplePictures {
  private SamplePictures() {}

  /** Each image of a batch [N, C, H, W] in [-1, 1] as a picture. */
  public static List<BufferedImage> images(NDArray batch) {
    long[] s = batch.getShape().getShape();
    return images(
        batch.toType(DataType.FLOAT32, false).toFloatArray(), (int) s[0], (int) s[1], (int) s[2]);
  }

  /** Each of n [C, size, size] images of {@code values} in [-1, 1] as a picture. */
  public static List<BufferedImage> images(float[] values, int n, int channels, int size) {
    int per = channels * size * size;
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] one = new float[per];
      System.arraycopy(values, i * per, one, 0, per);
      out.add(TestImages.fromSigned(one, channels, size));
    }
    return out;
  }

  /**
   * Writes an animated GIF of a sampling trajectory: each frame shows the batch side by side,
   * scaled up {@code scale} times, the last frame held longer.
   */
  public static void writeGif(List<Trajectory.Frame> frames, Path file, int scale) {
    List<BufferedImage> pictures = new ArrayList<>();
    for (Trajectory.Frame frame : frames) {
      long[] s = frame.shape().getShape();
      List<BufferedImage> batch = images(frame.values(), (int) s[0], (int) s[1], (int) s[2]);
      pictures.add(Images.upscaleNearest(row(batch), scale));
    }
    AnimatedGif.write(pictures, 120, file);
  }

  /** Images side by side with a 2-pixel white gap. */
  public static BufferedImage row(List<BufferedImage> images) {
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
