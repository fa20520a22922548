package dev.diffusionlab.report.site;

import dev.diffusionlab.report.ImageGrid;
import java.util.List;
import java.util.Locale;
import org.jsoup.nodes.Element;

/**
 * Sets an image grid's row and column labels as HTML text around its picture: a CSS grid places one
 * label per column above the image and one per row beside it, in tracks of equal size that follow
 * the cells as the picture scales, so the labels stay readable at any width, zoom and in print.
 * Column labels too wide for their column are set vertically, on a phone or everywhere.
 */
final class GridLabels {
  /** Width of the report's text column on a desktop, in CSS pixels (main's max-width less air). */
  static final int DESKTOP_COLUMN = 860;

  /** Width of the text column on a 390 px phone, in CSS pixels (less the page's padding). */
  static final int PHONE_COLUMN = 358;

  /** The widest a row label column gets on a desktop and on a phone, in CSS pixels. */
  static final int DESKTOP_ROW_LABELS = 128;

  static final int PHONE_ROW_LABELS = 72;

  /**
   * The width of a character of label text, in CSS pixels: 0.6 em of the 13 px labels, a little
   * above the average sans-serif advance so that the estimate errs towards vertical labels.
   */
  static final double CHARACTER = 7.8;

  private GridLabels() {}

  /**
   * Puts {@code link} (the figure's link around its image) in a labelled grid.
   *
   * @param imageWidth the PNG's width in pixels: the picture is never shown wider
   * @param imageHeight the PNG's height in pixels
   */
  static void wrap(Element link, ImageGrid.Labels labels, int imageWidth, int imageHeight) {
    boolean columns = labels.hasColumnLabels();
    boolean rows = labels.hasRowLabels();
    if (!columns && !rows) {
      return;
    }
    Element grid =
        new Element("div")
            .addClass("image-grid")
            .attr(
                "style",
                String.format(
                    Locale.ROOT,
                    "--columns:%d;--rows:%d;--aspect:%.4f",
                    labels.columns().size(),
                    labels.rows().size(),
                    imageWidth / (double) imageHeight));
    link.before(grid);
    if (columns) {
      Element head = grid.appendElement("div").addClass("grid-columns");
      head.addClass(orientation(labels, imageWidth));
      labels.columns().forEach(label -> head.appendElement("span").text(label));
    }
    if (rows) {
      grid.addClass("with-row-labels");
      Element side = grid.appendElement("div").addClass("grid-rows");
      labels.rows().forEach(label -> side.appendElement("span").text(label));
    }
    grid.appendChild(link);
  }

  /**
   * {@code horizontal} when the longest word of every column label fits its column on a phone,
   * {@code vertical-on-phones} when it fits only on a desktop, else {@code vertical}.
   */
  static String orientation(ImageGrid.Labels labels, int imageWidth) {
    double word = CHARACTER * longest(labels.columns(), true);
    double rowLabels = CHARACTER * longest(labels.rows(), false);
    int count = labels.columns().size();
    if (word <= column(PHONE_COLUMN, PHONE_ROW_LABELS, rowLabels, imageWidth, count)) {
      return "horizontal";
    }
    if (word <= column(DESKTOP_COLUMN, DESKTOP_ROW_LABELS, rowLabels, imageWidth, count)) {
      return "vertical-on-phones";
    }
    return "vertical";
  }

  /** The width of one column of the picture in a text column of {@code width} CSS pixels. */
  private static double column(
      int width, int maxRowLabels, double rowLabels, int imageWidth, int count) {
    double labels = rowLabels == 0 ? 0 : Math.min(rowLabels, maxRowLabels) + 8;
    return Math.min(imageWidth, width - labels) / count;
  }

  /** The length of the longest label, or of the longest word of any label. */
  private static int longest(List<String> labels, boolean words) {
    int longest = 0;
    for (String label : labels) {
      for (String piece : words ? label.split("\\s+") : new String[] {label}) {
        longest = Math.max(longest, piece.length());
      }
    }
    return longest;
  }
}
