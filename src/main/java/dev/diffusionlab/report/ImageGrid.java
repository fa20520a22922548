package dev.diffusionlab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.data.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A grid of equal cells separated by white gaps, drawn into one PNG, with row and column labels
 * kept as text beside the pixels: {@link #write} stores them in the PNG's {@code iTXt} chunk and
 * {@link #labels(Path)} reads them back, so the site sets them as HTML text that stays crisp at any
 * zoom instead of pixels that blur when the grid is scaled down. Small images are scaled up with
 * nearest neighbour so their pixels stay visible.
 */
public final class ImageGrid {
  /** The white gap around every cell, in pixels of the PNG. */
  public static final int GAP = 4;

  /** The keyword of the PNG text chunk that holds the labels. */
  static final String KEYWORD = "diffusion-lab grid labels";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> columnLabels = new ArrayList<>();
  private final List<String> rowLabels = new ArrayList<>();
  private final List<List<BufferedImage>> rows = new ArrayList<>();

  /**
   * The labels of a grid: one per column and one per row, in order, each possibly empty.
   *
   * @param columns the label above each column
   * @param rows the label left of each row
   */
  public record Labels(List<String> columns, List<String> rows) {
    /** Copies the lists; null means none. */
    public Labels {
      columns = columns == null ? List.of() : List.copyOf(columns);
      rows = rows == null ? List.of() : List.copyOf(rows);
    }

    /** Whether any column has a label. */
    public boolean hasColumnLabels() {
      return columns.stream().anyMatch(label -> !label.isEmpty());
    }

    /** Whether any row has a label. */
    public boolean hasRowLabels() {
      return rows.stream().anyMatch(label -> !label.isEmpty());
    }
  }

  /** Sets the labels above the columns. */
  public ImageGrid columns(List<String> labels) {
    columnLabels.clear();
    columnLabels.addAll(labels);
    return this;
  }

  /** Adds a row; {@code label} may be empty. Cells may be null (left blank). */
  public ImageGrid row(String label, List<BufferedImage> images) {
    rowLabels.add(label == null ? "" : label);
    rows.add(new ArrayList<>(images));
    return this;
  }

  /** Number of rows added so far. */
  public int rowCount() {
    return rows.size();
  }

  /** The labels, one per column (those beyond the given labels empty) and one per row. */
  public Labels labels() {
    List<String> columns = new ArrayList<>(columnLabels);
    columns.addAll(Collections.nCopies(columnCount() - columns.size(), ""));
    return new Labels(columns, rowLabels);
  }

  private int columnCount() {
    int columns = columnLabels.size();
    for (List<BufferedImage> row : rows) {
      columns = Math.max(columns, row.size());
    }
    return columns;
  }

  /**
   * Draws the cells, without labels: {@code columns} cells of equal size per row with a {@link
   * #GAP} around each. Each cell is scaled by the largest integer factor that keeps it at most
   * {@code targetCellSize} pixels wide (at least 1).
   */
  public BufferedImage render(int targetCellSize) {
    if (rows.isEmpty()) {
      throw new IllegalStateException("an image grid needs at least one row");
    }
    int cellW = 0;
    int cellH = 0;
    int columns = columnCount();
    for (List<BufferedImage> row : rows) {
      for (BufferedImage image : row) {
        if (image != null) {
          cellW = Math.max(cellW, image.getWidth());
          cellH = Math.max(cellH, image.getHeight());
        }
      }
    }
    int factor = Math.max(1, targetCellSize / Math.max(1, cellW));
    cellW *= factor;
    cellH *= factor;
    int width = columns * cellW + (columns + 1) * GAP;
    int height = rows.size() * cellH + (rows.size() + 1) * GAP;
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    for (int r = 0; r < rows.size(); r++) {
      int y = GAP + r * (cellH + GAP);
      List<BufferedImage> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        BufferedImage image = row.get(c);
        if (image != null) {
          BufferedImage scaled = Images.upscaleNearest(image, factor);
          g.drawImage(scaled, GAP + c * (cellW + GAP), y, cellW, cellH, null);
        }
      }
    }
    g.dispose();
    return out;
  }

  /** Writes {@link #render} as a PNG that carries {@link #labels()} in a text chunk. */
  public void write(int targetCellSize, Path png) {
    String labels;
    try {
      labels = JSON.writeValueAsString(labels());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the grid labels of " + png, e);
    }
    Images.writePng(render(targetCellSize), png, KEYWORD, labels);
  }

  /**
   * The labels that {@link #write} stored in a PNG; empty for a PNG without them (one drawn before
   * labels were kept as text, which has them in its pixels) or a file that is not a PNG.
   *
   * @throws UncheckedIOException if the PNG cannot be read or its labels are not valid JSON
   */
  public static Optional<Labels> labels(Path png) {
    Optional<String> text = Images.pngText(png, KEYWORD);
    try {
      return text.isEmpty()
          ? Optional.empty()
          : Optional.of(JSON.readValue(text.get(), Labels.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the grid labels of " + png, e);
    }
  }
}
