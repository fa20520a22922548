package dev.diffusionlab.report.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.report.SvgChart;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.OutputRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jsoup.nodes.Element;

/**
 * What a figure shows and links beside its caption: a chart drawn as SVG from the CSV its
 * experiment wrote (in place of the chart's PNG), an animation's last frame with a button that
 * plays it (so a page does not load every animation, and print shows the final state), the size of
 * every image (no layout shift), a grid's labels as text around it, and links to the data behind
 * the figure.
 */
final class FigureMedia {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FigureMedia() {}

  /**
   * Dresses a figure made from output {@code file} of {@code entry}.
   *
   * @param link the figure's {@code <a>} around its {@code <img>}
   * @param caption the figure's caption, to which the data links are added
   */
  static void dress(
      Element figure,
      Element link,
      Element img,
      Element caption,
      CacheEntry entry,
      String file,
      Assets assets) {
    Path source = entry.dir().resolve(file);
    String captionText = caption.text();
    Set<String> data = dataFiles(entry, file);
    OutputKind kind = entry.output(file).map(OutputRecord::kind).orElse(OutputKind.FIGURE);
    String chartCsv = kind == OutputKind.CHART ? chartData(entry, file) : null;
    if (chartCsv != null) {
      String svg = chart(figure.id(), captionText, entry.dir().resolve(chartCsv));
      link.before(new Element("div").addClass("chart-box").append(svg));
      link.remove();
      figure.addClass("chart-figure");
      data.add(chartCsv);
    } else {
      int[] size = size(source);
      if (size != null) {
        img.attr("width", Integer.toString(size[0])).attr("height", Integer.toString(size[1]));
        // site.js renders it with crisp pixels while it is shown at its natural size or larger
        img.addClass("pixel");
        if (file.toLowerCase(Locale.ROOT).endsWith(".png")) {
          ImageGrid.labels(source)
              .ifPresent(labels -> GridLabels.wrap(link, labels, size[0], size[1]));
        }
      }
      img.attr("alt", "The image of " + figureLabel(caption) + " (" + file + ")");
      img.attr("decoding", "async");
      if (file.toLowerCase(Locale.ROOT).endsWith(".gif")) {
        byte[] poster = lastFrame(source);
        if (poster != null) {
          String stem = file.substring(0, file.length() - 4);
          String posterUrl = assets.derive(entry, stem + "-last-frame.png", poster);
          String gifUrl = img.attr("src");
          img.attr("src", posterUrl).attr("data-animation", gifUrl);
          img.attr("alt", "The last frame of the animation of " + figureLabel(caption));
          figure.addClass("animation");
          figure
              .appendElement("button")
              .attr("type", "button")
              .addClass("play")
              .attr("data-play", gifUrl)
              .text("Play the animation");
        }
      }
    }
    if (!data.isEmpty()) {
      Element links = caption.appendElement("span").addClass("data-links");
      links.appendText(" Data: ");
      boolean first = true;
      for (String name : data) {
        if (!first) {
          links.appendText(", ");
        }
        first = false;
        links.appendElement("a").attr("href", assets.use(entry, name)).text(name);
        if (name.endsWith(".json")) {
          listed(entry, name).forEach(listed -> assets.use(entry, listed));
        }
      }
      links.appendText(".");
    }
  }

  private static String figureLabel(Element caption) {
    Element label = caption.selectFirst(".label");
    return label == null ? "this figure" : label.text().replaceAll("\\.$", "");
  }

  /**
   * The data files behind an output: the CSV or JSON files of the same name, else the entry's small
   * CSV and JSON outputs (at most four).
   */
  static Set<String> dataFiles(CacheEntry entry, String file) {
    Set<String> files = new LinkedHashSet<>();
    String stem = file.replaceFirst("\\.[^.]+$", "");
    for (String ext : List.of(".csv", ".json")) {
      if (entry.output(stem + ext).isPresent()) {
        files.add(stem + ext);
      }
    }
    if (!files.isEmpty()) {
      return files;
    }
    for (OutputRecord output : entry.outputs()) {
      boolean data = output.kind() == OutputKind.DATA || output.kind() == OutputKind.TABLE;
      if (data
          && (output.file().endsWith(".csv") || output.file().endsWith(".json"))
          && files.size() < 4) {
        files.add(output.file());
      }
    }
    return files;
  }

  /** The CSV a chart PNG was drawn from ({@code loss.png} → {@code loss.csv}), or null. */
  static String chartData(CacheEntry entry, String file) {
    String csv = file.replaceFirst("\\.[^.]+$", "") + ".csv";
    if (entry.output(csv).isEmpty() || !Files.isRegularFile(entry.dir().resolve(csv))) {
      return null;
    }
    CsvTable table = CsvTable.read(entry.dir().resolve(csv));
    if (table.rows().isEmpty() || table.header().size() < 2) {
      return null;
    }
    return csv;
  }

  /**
   * A chart of a CSV: with a text first column, one series per value of it over the second column;
   * otherwise the first column against the last. A column named "loss" is drawn on a log axis with
   * its centred average.
   */
  static String chart(String id, String title, Path csv) {
    CsvTable table = CsvTable.read(csv);
    List<String> header = table.header();
    boolean grouped = !numeric(table.rows().get(0).get(0));
    int xColumn = grouped ? 1 : 0;
    int yColumn = grouped ? 2 : header.size() - 1;
    String yName = header.get(yColumn);
    boolean loss = yName.toLowerCase(Locale.ROOT).contains("loss");
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (List<String> row : table.rows()) {
      if (row.size() <= yColumn || !numeric(row.get(xColumn)) || !numeric(row.get(yColumn))) {
        continue;
      }
      series
          .computeIfAbsent(grouped ? row.get(0) : yName, k -> new ArrayList<>())
          .add(
              new double[] {
                Double.parseDouble(row.get(xColumn)), Double.parseDouble(row.get(yColumn))
              });
    }
    String xName = header.get(xColumn);
    boolean whole = xName.equalsIgnoreCase("epoch") || xName.equalsIgnoreCase("step");
    SvgChart chart = new SvgChart(xName, yName, loss, whole);
    StringBuilder description = new StringBuilder();
    for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
      double[] x = s.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = s.getValue().stream().mapToDouble(p -> p[1]).toArray();
      chart.add(s.getKey(), x, y, loss);
      description.append(
          String.format(
              Locale.ROOT,
              "%s: %d points, %s %s to %s; %s from %s to %s. ",
              s.getKey(),
              x.length,
              xName,
              SvgChart.label(x[0]),
              SvgChart.label(x[x.length - 1]),
              yName,
              SvgChart.label(y[0]),
              SvgChart.label(y[y.length - 1])));
    }
    return chart.svg(id + "-chart", title, description.toString().trim());
  }

  private static boolean numeric(String cell) {
    try {
      return Double.isFinite(Double.parseDouble(cell.trim()));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The output files a published JSON index names (its text values that are outputs). */
  static List<String> listed(CacheEntry entry, String json) {
    List<String> files = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(entry.dir().resolve(json).toFile());
      collect(root, entry, files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + entry.dir().resolve(json), e);
    }
    return files;
  }

  private static void collect(JsonNode node, CacheEntry entry, List<String> files) {
    if (node.isTextual()) {
      entry
          .output(node.asText())
          .filter(o -> !o.kind().isLarge())
          .ifPresent(o -> files.add(o.file()));
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      collect(it.next(), entry, files);
    }
  }

  /** Width and height of a PNG or GIF, or null if it cannot be read. */
  static int[] size(Path image) {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      if (in == null) {
        return null;
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return null;
    }
  }

  /** The last frame of an animated GIF as PNG bytes, or null if it cannot be read. */
  static byte[] lastFrame(Path gif) {
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("gif");
      if (in == null || !readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, false);
        int frames = reader.getNumImages(true);
        BufferedImage first = reader.read(0);
        BufferedImage last = reader.read(frames - 1);
        if (last.getWidth() != first.getWidth() || last.getHeight() != first.getHeight()) {
          return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(last, "png", bytes);
        return bytes.toByteArray();
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return null;
    }
  }
}
