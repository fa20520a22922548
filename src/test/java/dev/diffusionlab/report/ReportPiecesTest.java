package dev.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.data.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportPiecesTest {
  @TempDir Path dir;

  @Test
  void csvRoundTripsQuotedCells() {
    CsvTable table =
        new CsvTable(
            List.of("name", "value"), List.of(List.of("a, b", "1"), List.of("say \"hi\"", "2")));
    Path file = dir.resolve("t.csv");
    table.write(file);
    assertEquals(table, CsvTable.read(file));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CsvTable(List.of("a"), List.of(List.of("1", "2"))));
  }

  @Test
  void emaSmoothingIsBiasCorrected() {
    double[] s = LossChart.smooth(new double[] {4, 4, 4}, 0.9);
    assertArrayEquals(new double[] {4, 4, 4}, s, 1e-12);
    double[] step = LossChart.smooth(new double[] {0, 10}, 0.5);
    assertEquals(10 * 0.5 / 0.75, step[1], 1e-12);
  }

  @Test
  void chartsAreByteStable() throws Exception {
    LossChart chart =
        new LossChart("loss", "step", "MSE", true)
            .add("train", new double[] {1, 2, 3, 4}, new double[] {1, 0.5, 0.3, 0.2}, 0.6);
    chart.writePng(dir.resolve("a.png"), 400, 300);
    chart.writePng(dir.resolve("b.png"), 400, 300);
    chart.writeSvg(dir.resolve("one/chart.svg"), 400, 300);
    chart.writeSvg(dir.resolve("two/chart.svg"), 400, 300);
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("a.png")), Files.readAllBytes(dir.resolve("b.png")));
    String one = Files.readString(dir.resolve("one/chart.svg"));
    String two = Files.readString(dir.resolve("two/chart.svg"));
    int i = 0;
    while (i < one.length() && one.charAt(i) == two.charAt(i)) {
      i++;
    }
    assertEquals(
        one,
        two,
        "first difference at "
            + one.substring(Math.max(0, i - 80), Math.min(one.length(), i + 40)));
  }

  @Test
  void gridScalesCellsByAnIntegerFactorWithNearestNeighbour() {
    BufferedImage pixel = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    pixel.setRGB(0, 0, 0xff0000);
    BufferedImage grid = new ImageGrid().row("", List.of(pixel, pixel)).render(10);
    // factor 5: two 10-pixel cells and three 4-pixel gaps
    assertEquals(2 * 10 + 3 * 4, grid.getWidth());
    assertEquals(10 + 2 * 4, grid.getHeight());
    assertEquals(0xff0000, grid.getRGB(4 + 4, 4 + 4) & 0xffffff, "top-left pixel block is red");
    assertEquals(0x000000, grid.getRGB(4 + 5, 4 + 5) & 0xffffff);
  }

  @Test
  void gridKeepsItsLabelsAsTextBesideThePixels(@TempDir Path dir) throws Exception {
    BufferedImage pixel = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    Path png = dir.resolve("grid.png");
    new ImageGrid()
        .columns(List.of("σ = 0.5"))
        .row("digit 3", List.of(pixel, pixel))
        .row("", List.of(pixel))
        .write(10, png);
    // one label per column (the second has none) and per row, the σ intact
    assertEquals(
        new ImageGrid.Labels(List.of("σ = 0.5", ""), List.of("digit 3", "")),
        ImageGrid.labels(png).orElseThrow());
    // no margin for labels: two 10-pixel cells and three 4-pixel gaps each way
    BufferedImage written = ImageIO.read(png.toFile());
    assertEquals(2 * 10 + 3 * 4, written.getWidth());
    assertEquals(2 * 10 + 3 * 4, written.getHeight());
  }

  @Test
  void aPngWithoutGridLabelsHasNone(@TempDir Path dir) {
    Path png = dir.resolve("plain.png");
    Images.writePng(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), png);
    assertTrue(ImageGrid.labels(png).isEmpty());
  }
}
