package dev.diffusionlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/** Reading, writing and converting images between files, {@link BufferedImage} and NDArrays. */
public final class Images {
  private static final String PNG_METADATA = "javax_imageio_png_1.0";

  private Images() {}

  /** The largest width or height an input image may have (a decoded 8192² RGB is 256 MiB). */
  public static final int MAX_SIDE = 8192;

  /**
   * An image file's width and height, read from its header without decoding the pixels.
   *
   * @throws IllegalArgumentException naming the file if it is missing, not a readable image, or
   *     larger than {@link #MAX_SIDE} on a side
   */
  public static Dimension dimensions(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": image file not found");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IllegalArgumentException(
            file + ": not a readable image (expected PNG, JPEG, GIF or BMP)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        Dimension size = new Dimension(reader.getWidth(0), reader.getHeight(0));
        if (size.width <= 0 || size.height <= 0) {
          throw new IllegalArgumentException(file + ": image has no pixels");
        }
        if (size.width > MAX_SIDE || size.height > MAX_SIDE) {
          throw new IllegalArgumentException(
              file
                  + ": image is "
                  + size.width
                  + "x"
                  + size.height
                  + ", larger than the limit of "
                  + MAX_SIDE
                  + " pixels a side");
        }
        return size;
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read image: " + e.getMessage(), e);
    }
  }

  /**
   * Reads an image file.
   *
   * @throws IllegalArgumentException naming the file if it is missing, not a readable image or
   *     larger than {@link #MAX_SIDE} on a side
   */
  public static BufferedImage read(Path file) {
    dimensions(file);
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new IllegalArgumentException(
            file + ": not a readable image (expected PNG, JPEG, GIF or BMP)");
      }
      return image;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read image: " + e.getMessage(), e);
    }
  }

  /** Writes a PNG, creating parent folders. */
  public static void writePng(BufferedImage image, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!ImageIO.write(image, "png", file.toFile())) {
        throw new IOException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Writes a PNG that carries {@code text} in an {@code iTXt} chunk under {@code keyword}, which
   * {@link #pngText} reads back.
   */
  public static void writePng(BufferedImage image, Path file, String keyword, String text) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream stream = Files.newOutputStream(file);
          ImageOutputStream out = ImageIO.createImageOutputStream(stream)) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata =
            writer.getDefaultImageMetadata(
                ImageTypeSpecifier.createFromRenderedImage(image), param);
        metadata.mergeTree(PNG_METADATA, textChunk(keyword, text));
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, metadata), param);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      writer.dispose();
    }
  }

  private static IIOMetadataNode textChunk(String keyword, String text) {
    IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
    entry.setAttribute("keyword", keyword);
    entry.setAttribute("compressionFlag", "FALSE");
    entry.setAttribute("compressionMethod", "0");
    entry.setAttribute("languageTag", "");
    entry.setAttribute("translatedKeyword", "");
    entry.setAttribute("text", text);
    IIOMetadataNode chunk = new IIOMetadataNode("iTXt");
    chunk.appendChild(entry);
    IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
    root.appendChild(chunk);
    return root;
  }

  /**
   * The text that {@link #writePng(BufferedImage, Path, String, String)} stored under {@code
   * keyword}; empty for a PNG without it or a file that is not a PNG.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Optional<String> pngText(Path file, String keyword) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, false);
        IIOMetadata metadata = reader.getImageMetadata(0);
        if (!List.of(metadata.getMetadataFormatNames()).contains(PNG_METADATA)) {
          return Optional.empty();
        }
        for (Node chunk = metadata.getAsTree(PNG_METADATA).getFirstChild();
            chunk != null;
            chunk = chunk.getNextSibling()) {
          for (Node entry = chunk.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
            IIOMetadataNode node = (IIOMetadataNode) entry;
            if (chunk.getNodeName().equals("iTXt")
                && keyword.equals(node.getAttribute("keyword"))) {
              return Optional.of(node.getAttribute("text"));
            }
          }
        }
        return Optional.empty();
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Resizes with bilinear interpolation (area-like for moderate downscaling). */
  public static BufferedImage resize(BufferedImage image, int width, int height) {
    if (image.getWidth() == width && image.getHeight() == height) {
      return image;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }

  /** Scales up by an integer factor with nearest neighbour, so pixels stay crisp. */
  public static BufferedImage upscaleNearest(BufferedImage image, int factor) {
    if (factor == 1) {
      return image;
    }
    BufferedImage out =
        new BufferedImage(
            image.getWidth() * factor, image.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
    g.dispose();
    return out;
  }

  /**
   * Converts to a float array of shape [C, H, W] with values in [0, 1]; C = 1 averages RGB to
   * luminance, C = 3 keeps RGB.
   */
  public static float[] toChw(BufferedImage image, int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    int h = image.getHeight();
    int w = image.getWidth();
    float[] out = new float[channels * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        float r = ((rgb >> 16) & 0xff) / 255f;
        float g = ((rgb >> 8) & 0xff) / 255f;
        float b = (rgb & 0xff) / 255f;
        int i = y * w + x;
        if (channels == 1) {
          out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
        } else {
          out[i] = r;
          out[h * w + i] = g;
          out[2 * h * w + i] = b;
        }
      }
    }
    return out;
  }

  /** Converts an image to an NDArray [C, H, W] in [0, 1]. */
  public static NDArray toArray(BufferedImage image, int channels, NDManager manager) {
    return manager.create(
        toChw(image, channels), new Shape(channels, image.getHeight(), image.getWidth()));
  }

  /**
   * Converts a [C, H, W] float array with values in [0, 1] (clipped) to an RGB image; C = 1 gives
   * grey.
   */
  public static BufferedImage fromChw(float[] chw, int channels, int height, int width) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        int r = toByte(chw[i]);
        int g = channels == 1 ? r : toByte(chw[plane + i]);
        int b = channels == 1 ? r : toByte(chw[2 * plane + i]);
        out.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return out;
  }

  /** Converts an NDArray [C, H, W] (or [H, W]) with values in [0, 1] to an image. */
  public static BufferedImage fromArray(NDArray chw) {
    Shape shape = chw.getShape();
    NDArray array = shape.dimension() == 2 ? chw.expandDims(0) : chw;
    Shape s = array.getShape();
    float[] data = array.toType(DataType.FLOAT32, false).toFloatArray();
    return fromChw(data, (int) s.get(0), (int) s.get(1), (int) s.get(2));
  }

  private static int toByte(float v) {
    float clipped = Math.max(0f, Math.min(1f, v));
    return Math.round(clipped * 255f);
  }
}
