package dev.diffusionlab.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG: axes with ticks at round values (1, 2, 5 × 10^k on a log axis,
 * labelled in plain numbers), whole-number ticks for epochs and steps, a legend, an accessible
 * title and description, markers where a series has few points, and a centred moving average that
 * does not lag the raw curve. Colours and fonts are CSS classes ({@code chart-s1} ... {@code
 * chart-s6}, {@code chart-axis}, {@code chart-grid}, {@code chart-text}), so the page's stylesheet
 * themes them (dark mode included).
 */
public final class SvgChart {
  /** Series with at most this many points are drawn with a marker at each point. */
  static final int MARKER_LIMIT = 24;

  private static final int WIDTH = 720;
  private static final int HEIGHT = 400;
  private static final int LEFT = 72;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 56;

  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final boolean wholeX;
  private final List<Series> series = new ArrayList<>();

  /** One named curve; {@code smooth} draws a centred moving average over the raw values. */
  public record Series(String name, double[] x, double[] y, boolean smooth) {}

  /** An axis from {@code min} to {@code max} with ticks at {@code ticks}. */
  public record Axis(double min, double max, List<Double> ticks, boolean log) {
    /** The position of {@code value} between 0 (min) and 1 (max). */
    public double fraction(double value) {
      if (log) {
        return (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
      }
      return max == min ? 0.5 : (value - min) / (max - min);
    }
  }

  /**
   * @param wholeX whether x values are counts (epochs, steps): ticks at whole numbers only
   */
  public SvgChart(String xLabel, String yLabel, boolean logY, boolean wholeX) {
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logY = logY;
    this.wholeX = wholeX;
  }

  /** Adds a curve; on a log axis, points with y ≤ 0 are left out. */
  public SvgChart add(String name, double[] x, double[] y, boolean smooth) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length for series " + name);
    }
    series.add(new Series(name, x.clone(), y.clone(), smooth));
    return this;
  }

  /**
   * The mean of each value's window of {@code 2 * half + 1} neighbours (fewer at the ends), so a
   * smooth curve stays centred on the raw one instead of lagging it.
   */
  public static double[] centredAverage(double[] y, int half) {
    double[] prefix = new double[y.length + 1];
    for (int i = 0; i < y.length; i++) {
      prefix[i + 1] = prefix[i] + y[i];
    }
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      int lo = Math.max(0, i - half);
      int hi = Math.min(y.length - 1, i + half);
      out[i] = (prefix[hi + 1] - prefix[lo]) / (hi - lo + 1);
    }
    return out;
  }

  /**
   * A linear axis over [lo, hi] with about five ticks at 1, 2 or 5 × 10^k (at least 1 if whole).
   */
  public static Axis linearAxis(double lo, double hi, boolean whole) {
    if (hi <= lo) {
      double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    double step = niceStep((hi - lo) / 5);
    if (whole) {
      step = Math.max(1, Math.rint(step));
    }
    double first = Math.ceil(lo / step - 1e-9) * step;
    List<Double> ticks = new ArrayList<>();
    for (double t = first; t <= hi + step * 1e-9; t += step) {
      ticks.add(clean(t));
    }
    return new Axis(lo, hi, ticks, false);
  }

  /**
   * A log axis from the largest 1, 2 or 5 × 10^k at or below {@code lo} to the smallest at or above
   * {@code hi}, ticked at its ends and every decade between, and also at 2 and 5 × 10^k when it
   * spans fewer than three decades.
   */
  public static Axis logAxis(double lo, double hi) {
    if (lo <= 0 || hi <= 0) {
      throw new IllegalArgumentException("a log axis needs positive values, got " + lo);
    }
    double min = roundDown(lo);
    double max = roundUp(hi);
    if (max <= min) {
      max = roundUp(min * 1.5);
    }
    int from = (int) Math.floor(Math.log10(min) + 1e-9);
    int to = (int) Math.ceil(Math.log10(max) - 1e-9);
    boolean minor = to - from < 3;
    List<Double> ticks = new ArrayList<>();
    for (int k = from; k <= to; k++) {
      for (double m : minor ? new double[] {1, 2, 5} : new double[] {1}) {
        double t = clean(m * Math.pow(10, k));
        if (t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9)) {
          ticks.add(t);
        }
      }
    }
    if (ticks.get(ticks.size() - 1) < max * (1 - 1e-9)) {
      ticks.add(max);
    }
    return new Axis(min, max, ticks, true);
  }

  private static double roundUp(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * decade >= v * (1 - 1e-9)) {
        return clean(m * decade);
      }
    }
    return clean(10 * decade);
  }

  private static double roundDown(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    for (double m : new double[] {5, 2, 1}) {
      if (m * decade <= v * (1 + 1e-9)) {
        return clean(m * decade);
      }
    }
    return clean(decade);
  }

  /** The smallest of 1, 2, 5 × 10^k that is at least {@code raw}. */
  static double niceStep(double raw) {
    double decade = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * decade >= raw * (1 - 1e-9)) {
        return clean(m * decade);
      }
    }
    return clean(10 * decade);
  }

  /** A tick label in plain digits: 0.01, 2, 1000, 2.5. */
  public static String label(double value) {
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  private static double clean(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.12g", v)) + 0.0;
  }

  /**
   * The chart as an {@code <svg>} element, with {@code title} and {@code description} for readers.
   */
  public String svg(String id, String title, String description) {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (logY && !(s.y()[i] > 0) || !Double.isFinite(s.y()[i])) {
          continue;
        }
        xMin = Math.min(xMin, s.x()[i]);
        xMax = Math.max(xMax, s.x()[i]);
        yMin = Math.min(yMin, s.y()[i]);
        yMax = Math.max(yMax, s.y()[i]);
      }
    }
    if (xMin > xMax) {
      throw new IllegalStateException("chart " + id + " has no points to draw");
    }
    Axis xAxis = linearAxis(xMin, xMax, wholeX);
    xAxis =
        new Axis(
            xMin == xMax ? xAxis.min() : xMin,
            xMin == xMax ? xAxis.max() : xMax,
            xAxis.ticks(),
            false);
    Axis yAxis = logY ? logAxis(yMin, yMax) : linearAxis(yMin, yMax, false);
    if (!logY && !yAxis.ticks().isEmpty()) {
      yAxis =
          new Axis(
              Math.min(yAxis.min(), yAxis.ticks().get(0)),
              Math.max(yAxis.max(), yAxis.ticks().get(yAxis.ticks().size() - 1)),
              yAxis.ticks(),
              false);
    }
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" role=\"img\" aria-labelledby=\"")
        .append(id)
        .append("-title ")
        .append(id)
        .append("-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
    svg.append("<title id=\"").append(id).append("-title\">").append(esc(title)).append("</title>");
    svg.append("<desc id=\"")
        .append(id)
        .append("-desc\">")
        .append(esc(description))
        .append("</desc>");
    svg.append("<g class=\"chart-grid\">");
    for (double t : yAxis.ticks()) {
      double y = TOP + plotH * (1 - yAxis.fraction(t));
      svg.append(line(LEFT, y, LEFT + plotW, y));
    }
    for (double t : xAxis.ticks()) {
      double x = LEFT + plotW * xAxis.fraction(t);
      svg.append(line(x, TOP, x, TOP + plotH));
    }
    svg.append("</g><g class=\"chart-axis\">");
    svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
    svg.append(line(LEFT, TOP, LEFT, TOP + plotH));
    svg.append("</g><g class=\"chart-text\">");
    for (double t : yAxis.ticks()) {
      double y = TOP + plotH * (1 - yAxis.fraction(t));
      svg.append(text(LEFT - 8, y + 5, "end", label(t)));
    }
    for (double t : xAxis.ticks()) {
      double x = LEFT + plotW * xAxis.fraction(t);
      svg.append(text(x, TOP + plotH + 22, "middle", label(t)));
    }
    svg.append(text(LEFT + plotW / 2, HEIGHT - 8, "middle", xLabel));
    svg.append("<text transform=\"translate(16 ")
        .append(fmt(TOP + plotH / 2))
        .append(") rotate(-90)\" text-anchor=\"middle\">")
        .append(esc(yLabel + (logY ? " (log scale)" : "")))
        .append("</text></g>");
    for (int s = 0; s < series.size(); s++) {
      Series curve = series.get(s);
      String cls = "chart-s" + (s % 6 + 1);
      boolean markers = curve.x().length <= MARKER_LIMIT;
      boolean smooth = curve.smooth() && curve.x().length > MARKER_LIMIT;
      svg.append("<g class=\"").append(cls).append("\">");
      svg.append(path(curve.x(), curve.y(), xAxis, yAxis, plotW, plotH, smooth ? "raw" : "line"));
      if (smooth) {
        double[] avg = centredAverage(curve.y(), Math.max(2, curve.y().length / 60));
        svg.append(path(curve.x(), avg, xAxis, yAxis, plotW, plotH, "line"));
      }
      if (markers) {
        for (int i = 0; i < curve.x().length; i++) {
          if (logY && !(curve.y()[i] > 0)) {
            continue;
          }
          svg.append("<circle r=\"4\" cx=\"")
              .append(fmt(LEFT + plotW * xAxis.fraction(curve.x()[i])))
              .append("\" cy=\"")
              .append(fmt(TOP + plotH * (1 - yAxis.fraction(curve.y()[i]))))
              .append("\"/>");
        }
      }
      svg.append("</g>");
    }
    if (series.size() > 1 || series.stream().anyMatch(Series::smooth)) {
      svg.append(legend());
    }
    svg.append("</svg>");
    return svg.toString();
  }

  private String legend() {
    StringBuilder g = new StringBuilder("<g class=\"chart-legend\">");
    double y = TOP + 14;
    double x = WIDTH - RIGHT - 300;
    for (int s = 0; s < series.size(); s++) {
      Series curve = series.get(s);
      String cls = "chart-s" + (s % 6 + 1);
      String name =
          curve.smooth() && curve.x().length > MARKER_LIMIT
              ? curve.name() + " (raw, and centred mean)"
              : curve.name();
      g.append("<g class=\"").append(cls).append("\">");
      g.append("<path class=\"line\" d=\"M")
          .append(fmt(x))
          .append(' ')
          .append(fmt(y - 5))
          .append("h24\"/></g>");
      g.append("<g class=\"chart-text\">").append(text(x + 30, y, "start", name)).append("</g>");
      y += 20;
    }
    return g.append("</g>").toString();
  }

  private String path(
      double[] xs, double[] ys, Axis xAxis, Axis yAxis, double plotW, double plotH, String cls) {
    StringBuilder d = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < xs.length; i++) {
      if (logY && !(ys[i] > 0) || !Double.isFinite(ys[i])) {
        pen = false;
        continue;
      }
      d.append(pen ? 'L' : 'M')
          .append(fmt(LEFT + plotW * xAxis.fraction(xs[i])))
          .append(' ')
          .append(fmt(TOP + plotH * (1 - yAxis.fraction(ys[i]))));
      pen = true;
    }
    return "<path class=\"" + cls + "\" d=\"" + d + "\"/>";
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return "<path d=\"M" + fmt(x1) + ' ' + fmt(y1) + 'L' + fmt(x2) + ' ' + fmt(y2) + "\"/>";
  }

  private static String text(double x, double y, String anchor, String text) {
    return "<text x=\""
        + fmt(x)
        + "\" y=\""
        + fmt(y)
        + "\" text-anchor=\""
        + anchor
        + "\">"
        + esc(text)
        + "</text>";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String esc(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
