package dev.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgChartTest {
  @Test
  void linearTicksAreRoundAndEpochTicksWhole() {
    // range 97 / 5 = 19.4 -> step 20
    assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0), SvgChart.linearAxis(0, 97, false).ticks());
    // epochs 1..4: (4 - 1) / 5 = 0.6 would give 0.2 steps without the whole-number rule
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0), SvgChart.linearAxis(1, 4, true).ticks());
    // without it: 0.6 -> step 1 as well; 0..1.9 / 5 = 0.38 -> step 0.5
    assertEquals(List.of(0.0, 0.5, 1.0, 1.5), SvgChart.linearAxis(0, 1.9, false).ticks());
    assertEquals(0.5, SvgChart.niceStep(0.31));
    assertEquals(2.0, SvgChart.niceStep(1.01));
    assertEquals(1000.0, SvgChart.niceStep(1000));
  }

  @Test
  void logTicksAreDecadesOrOneTwoFive() {
    // 0.013 .. 1.6: the axis runs from 0.01 (the 1-2-5 value below) to 2 (the one above),
    // which spans 10^-2 .. 10^1 (three decades): decade ticks and the top end
    SvgChart.Axis wide = SvgChart.logAxis(0.013, 1.6);
    assertEquals(List.of(0.01, 0.1, 1.0, 2.0), wide.ticks());
    assertEquals(0.01, wide.min());
    assertEquals(2.0, wide.max());
    // 0.03 .. 0.9: from 0.02 to 1, two decades: 1, 2, 5 x 10^k
    SvgChart.Axis narrow = SvgChart.logAxis(0.03, 0.9);
    assertEquals(List.of(0.02, 0.05, 0.1, 0.2, 0.5, 1.0), narrow.ticks());
    // on a log axis from 0.02 to 1, 0.1 lies at log(5) / log(50) of the way up
    assertEquals(Math.log(5) / Math.log(50), narrow.fraction(0.1), 1e-12);
    // a loss from 0.0187 to 1.0119 (the one-step denoiser's): 0.01 .. 2
    SvgChart.Axis loss = SvgChart.logAxis(0.0187, 1.0119);
    assertEquals(0.01, loss.min());
    assertEquals(2.0, loss.max());
  }

  @Test
  void labelsArePlainNumbers() {
    assertEquals("0.01", SvgChart.label(0.01));
    assertEquals("1000", SvgChart.label(1000));
    assertEquals("2.5", SvgChart.label(2.5));
    assertEquals("0", SvgChart.label(0));
  }

  @Test
  void centredAverageDoesNotLag() {
    // windows: [1,2], [1,2,3], [2,3,4], [3,4,10], [4,10]
    assertArrayEquals(
        new double[] {1.5, 2, 3, 17.0 / 3, 7},
        SvgChart.centredAverage(new double[] {1, 2, 3, 4, 10}, 1),
        1e-12);
    // a straight line is its own centred average away from the ends
    double[] ramp = {0, 1, 2, 3, 4, 5, 6};
    double[] avg = SvgChart.centredAverage(ramp, 2);
    for (int i = 2; i < 5; i++) {
      assertEquals(ramp[i], avg[i], 1e-12);
    }
  }

  @Test
  void svgHasTitleDescriptionMarkersAndPlacesPointsOnTheScale() {
    SvgChart chart = new SvgChart("epoch", "accuracy (%)", false, true);
    chart.add("ddpm-class", new double[] {1, 4}, new double[] {5, 95}, false);
    chart.add("flow-class", new double[] {1, 4}, new double[] {20, 90}, false);
    String svg = chart.svg("c1", "Accuracy per epoch", "Two series, two epochs each.");
    assertTrue(svg.contains("<title id=\"c1-title\">Accuracy per epoch</title>"));
    assertTrue(svg.contains("<desc id=\"c1-desc\">Two series, two epochs each.</desc>"));
    assertTrue(svg.contains("aria-labelledby=\"c1-title c1-desc\""));
    assertFalse(svg.contains("jfreesvg"));
    // y axis: 5..95, ticks every 20 (90 / 5 = 18 -> 20) at 20..80, so the plot spans 5..95.
    // x axis 1..4 over the plot's 632 px starting at 72: epoch 4 at x = 704.
    Matcher circles =
        Pattern.compile("<circle r=\"4\" cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"").matcher(svg);
    int count = 0;
    while (circles.find()) {
      count++;
    }
    assertEquals(4, count, "two markers per two-point series");
    assertTrue(svg.contains("cx=\"704.0\""), "epoch 4 at the right end of the plot");
    assertTrue(svg.contains("cx=\"72.0\""), "epoch 1 at the left end");
    // y = 95 is the top of the plot (y = 16), y = 5 its bottom (16 + 328 = 344)
    assertTrue(svg.contains("cy=\"16.0\""));
    assertTrue(svg.contains("cy=\"344.0\""));
    assertTrue(svg.contains(">1</text>") && svg.contains(">4</text>"));
    assertFalse(svg.contains(">1.5</text>"), "no fractional epochs");
  }
}
