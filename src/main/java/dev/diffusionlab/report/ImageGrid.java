package dev.diffusionlab.report;

import dev.diffusionlab.data.Images;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of images with optional row and column labels, drawn into one PNG. Small images are scaled
 * up with nearest neighbour so their pixels stay visible.
 */
public final class ImageGrid {
  private static final int GAP = 4;
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

  private final List<String> columnLabels = new ArrayList<>();
  private final List<String> rowLabels = new ArrayList<>();
  private final List<List<BufferedImage>> rows = new ArrayList<>();

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

  /**
   * Draws the grid. Each cell is scaled by the largest integer factor that keeps it at most {@code
   * targetCellSize} pixels wide (at least 1).
   */
  public BufferedImage render(int targetCellSize) {
    if (rows.isEmpty()) {
      throw new IllegalStateException("an image grid needs at least one row");
    }
    int cellW = 0;
    int cellH = 0;
    int columns = columnLabels.size();
    for (List<BufferedImage> row : rows) {
      columns = Math.max(columns, row.size());
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

    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    pg.setFont(FONT);
    FontMetrics metrics = pg.getFontMetrics();
    int labelW = 0;
    for (String label : rowLabels) {
      labelW = Math.max(labelW, metrics.stringWidth(label));
    }
    pg.dispose();
    int left = labelW == 0 ? 0 : labelW + 2 * GAP;
    boolean hasHeader = columnLabels.stream().anyMatch(s -> !s.isEmpty());
    int top = hasHeader ? metrics.getHeight() + GAP : 0;

    int width = left + columns * cellW + (columns + 1) * GAP;
    int height = top + rows.size() * cellH + (rows.size() + 1) * GAP;
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setFont(FONT);
    g.setColor(new Color(0x22, 0x22, 0x22));
    for (int c = 0; c < columnLabels.size(); c++) {
      String label = columnLabels.get(c);
      int x = left + GAP + c * (cellW + GAP) + (cellW - metrics.stringWidth(label)) / 2;
      g.drawString(label, Math.max(left, x), metrics.getAscent() + GAP / 2);
    }
    for (int r = 0; r < rows.size(); r++) {
      int y = top + GAP + r * (cellH + GAP);
      String label = rowLabels.get(r);
      g.drawString(label, GAP, y + (cellH + metrics.getAscent()) / 2);
      List<BufferedImage> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        BufferedImage image = row.get(c);
        if (image != null) {
          BufferedImage scaled = Images.upscaleNearest(image, factor);
          g.drawImage(scaled, left + GAP + c * (cellW + GAP), y, cellW, cellH, null);
        }
      }
    }
    g.dispose();
    return out;
  }
}
