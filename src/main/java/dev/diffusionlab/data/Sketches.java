package dev.diffusionlab.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Draws the hand-drawn-style sketches of A1.7.1 (light strokes on black, like MNIST) into {@code
 * content/sketches/}: pen strokes along hand-placed points, so SDEdit has drawings to project onto
 * the data. Run it again only to change the sketches: {@code mvn -q compile exec:java
 * -Dexec.mainClass=dev.diffusionlab.data.Sketches}.
 */
public final class Sketches {
  private static final int SIZE = 64;

  private Sketches() {}

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "content/sketches");
    // A wobbly "2": a hook, a diagonal, a base line.
    Images.writePng(
        draw(
            5.5f,
            new float[][] {
              {
                14, 20, 18, 12, 28, 8, 40, 10, 47, 18, 46, 27, 38, 37, 26, 46, 16, 53, 30, 52, 44,
                51, 51, 53
              }
            }),
        dir.resolve("digit-two.png"));
    // A boot seen from the side: shaft, heel, sole, toe.
    Images.writePng(
        draw(
            4.5f,
            new float[][] {
              {
                20, 8, 34, 8, 35, 30, 44, 36, 54, 40, 56, 48, 55, 53, 12, 53, 11, 45, 17, 40, 20,
                30, 20, 8
              }
            }),
        dir.resolve("boot.png"));
    // A t-shirt: sleeves, body, neckline.
    Images.writePng(
        draw(
            4f,
            new float[][] {
              {
                24, 10, 8, 18, 13, 29, 20, 25, 20, 55, 44, 55, 44, 25, 51, 29, 56, 18, 40, 10, 36,
                15, 32, 17, 28, 15, 24, 10
              }
            }),
        dir.resolve("shirt.png"));
  }

  /** Strokes through the given x, y points with round caps, slightly smoothed by quadratics. */
  static BufferedImage draw(float width, float[][] strokes) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, SIZE, SIZE);
    g.setColor(new Color(0xf0f0f0));
    g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (float[] points : strokes) {
      Path2D.Float path = new Path2D.Float();
      path.moveTo(points[0], points[1]);
      for (int i = 2; i + 3 < points.length; i += 2) {
        float midX = (points[i] + points[i + 2]) / 2;
        float midY = (points[i + 1] + points[i + 3]) / 2;
        path.quadTo(points[i], points[i + 1], midX, midY);
      }
      path.lineTo(points[points.length - 2], points[points.length - 1]);
      g.draw(path);
    }
    g.dispose();
    return image;
  }
}
