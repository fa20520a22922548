package dev.diffusionlab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Line charts of training curves: each series is drawn raw (light) and, optionally, smoothed by an
 * exponential moving average (dark), on a log-scale y axis. Output is byte-stable PNG and SVG.
 */
public final class LossChart {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e),
    new Color(0x8c564b)
  };

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();

  /** One named curve. */
  public record Series(String name, double[] x, double[] y, double smoothing) {}

  public LossChart(String title, String xLabel, String yLabel, boolean logY) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logY = logY;
  }

  /**
   * Adds a curve. With {@code smoothing} in (0, 1) an exponential moving average with that decay is
   * drawn over the raw values; 0 draws only the raw values.
   */
  public LossChart add(String name, double[] x, double[] y, double smoothing) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length for series " + name);
    }
    series.add(new Series(name, x.clone(), y.clone(), smoothing));
    return this;
  }

  /** Exponential moving average with bias correction, as TensorBoard smooths curves. */
  public static double[] smooth(double[] y, double decay) {
    double[] out = new double[y.length];
    double average = 0;
    double weight = 0;
    for (int i = 0; i < y.length; i++) {
      average = decay * average + (1 - decay) * y[i];
      weight = decay * weight + (1 - decay);
      out[i] = average / weight;
    }
    return out;
  }

  private JFreeChart build() {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    int index = 0;
    for (int s = 0; s < series.size(); s++) {
      Series curve = series.get(s);
      Color color = PALETTE[s % PALETTE.length];
      boolean smoothed = curve.smoothing() > 0 && curve.smoothing() < 1;
      XYSeries raw = new XYSeries(smoothed ? curve.name() + " (raw)" : curve.name(), false, true);
      for (int i = 0; i < curve.x().length; i++) {
        if (!logY || curve.y()[i] > 0) {
          raw.add(curve.x()[i], curve.y()[i]);
        }
      }
      data.addSeries(raw);
      renderer.setSeriesPaint(
          index,
          smoothed ? new Color(color.getRed(), color.getGreen(), color.getBlue(), 70) : color);
      renderer.setSeriesStroke(index, new BasicStroke(smoothed ? 1f : 1.8f));
      index++;
      if (smoothed) {
        double[] ema = smooth(curve.y(), curve.smoothing());
        XYSeries line = new XYSeries(curve.name() + " (smoothed)", false, true);
        for (int i = 0; i < curve.x().length; i++) {
          if (!logY || ema[i] > 0) {
            line.add(curve.x()[i], ema[i]);
          }
        }
        data.addSeries(line);
        renderer.setSeriesPaint(index, color);
        renderer.setSeriesStroke(index, new BasicStroke(2f));
        index++;
      }
    }
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setAutoRangeIncludesZero(false);
    NumberAxis yAxis;
    if (logY) {
      LogAxis log = new LogAxis(yLabel);
      log.setSmallestValue(1e-8);
      XYPlot plot = new XYPlot(data, xAxis, log, renderer);
      return finish(plot);
    }
    yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    return finish(new XYPlot(data, xAxis, yAxis, renderer));
  }

  private JFreeChart finish(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    chart.setAntiAlias(true);
    return chart;
  }

  /** Writes the chart as PNG. */
  public void writePng(Path file, int width, int height) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ChartUtils.saveChartAsPNG(file.toFile(), build(), width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + file, e);
    }
  }

  /** Writes the chart as SVG with stable ids, so identical data gives identical bytes. */
  public void writeSvg(Path file, int width, int height) {
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    g.setDefsKeyPrefix("chart-" + file.getFileName().toString().replaceAll("[^A-Za-z0-9]", ""));
    build().draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, width, height));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, g.getSVGDocument(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + file, e);
    }
  }
}
