package dev.diffusionlab.report.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.report.ImageGrid;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** How a grid's labels are set around its picture, and inline math's size attributes. */
class GridLabelsTest {

  @Test
  void labelsThatFitAPhoneColumnStayHorizontal() {
    // 4 columns of a 788 px picture: 358 / 4 = 89.5 px on a phone; "original" is 8 × 7.8 = 62.4
    ImageGrid.Labels labels =
        new ImageGrid.Labels(List.of("original", "t = 250", "t = 500", "t = 750"), List.of(""));
    assertEquals("horizontal", GridLabels.orientation(labels, 788));
  }

  @Test
  void labelsThatFitOnlyADesktopColumnTurnOnPhones() {
    // 16 columns beside row labels of 10 characters (78 px, capped at 72 on a phone, + 8 px):
    // phone (358 - 80) / 16 = 17.4 px, desktop (860 - 86) / 16 = 48.4 px; "sample" is 46.8 px
    ImageGrid.Labels labels =
        new ImageGrid.Labels(
            Collections.nCopies(16, "sample 12"), List.of("digit 0", "ankle boot"));
    assertEquals("vertical-on-phones", GridLabels.orientation(labels, 1860));
  }

  @Test
  void labelsTooWideForADesktopColumnAreVertical() {
    // "inpainted" is 70.2 px; a desktop column is 53.75 px
    ImageGrid.Labels labels = new ImageGrid.Labels(Collections.nCopies(16, "inpainted"), List.of());
    assertEquals("vertical", GridLabels.orientation(labels, 1860));
  }

  @Test
  void wrapsTheImageLinkWithOneLabelPerColumnAndRow() {
    Element figure = new Element("figure");
    Element link = figure.appendElement("a").attr("href", "assets/x/grid.png");
    link.appendElement("img");
    GridLabels.wrap(
        link, new ImageGrid.Labels(List.of("a", "b", "c"), List.of("one", "two")), 300, 200);
    Element grid = figure.selectFirst("div.image-grid.with-row-labels");
    assertEquals("--columns:3;--rows:2;--aspect:1.5000", grid.attr("style"));
    assertEquals(
        List.of("a", "b", "c"), grid.select(".grid-columns span").eachText(), "columns in order");
    assertEquals(List.of("one", "two"), grid.select(".grid-rows span").eachText());
    assertEquals(link, grid.children().last(), "the link moves inside the grid");
  }

  @Test
  void gridWithoutAnyLabelIsLeftAlone() {
    Element figure = new Element("figure");
    Element link = figure.appendElement("a");
    GridLabels.wrap(link, new ImageGrid.Labels(List.of("", ""), List.of("")), 100, 50);
    assertTrue(figure.select("div.image-grid").isEmpty());
  }

  @Test
  void inlineMathSizesAreWholePixels() {
    String html = new MathRenderer().render("x_t = \\sqrt{\\bar\\alpha_t} x_0", false);
    Matcher svg = Pattern.compile("<svg [^>]*>").matcher(html);
    assertTrue(svg.find(), html);
    assertTrue(svg.group().matches(".* width=\"\\d+\" height=\"\\d+\".*"), svg.group());
    assertFalse(svg.group().contains(".0\""), svg.group());
  }
}
