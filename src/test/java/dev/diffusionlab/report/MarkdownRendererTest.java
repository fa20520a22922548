package dev.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.report.site.Assets;
import dev.diffusionlab.report.site.MarkdownRenderer;
import dev.diffusionlab.report.site.PageSource;
import dev.diffusionlab.report.site.RenderException;
import dev.diffusionlab.report.site.ReportData;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.OutputRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownRendererTest {
  @TempDir Path dir;
  private ReportData data;

  @BeforeEach
  void entries() {
    Path entryDir = dir.resolve("results/demo/0123456789abcdef");
    TestProjects.write(entryDir.resolve("grid.png"), "png");
    TestProjects.write(entryDir.resolve("scores.csv"), "t,PSNR (dB)\n250,21.5\n500,\"1,5\"\n");
    ObjectNode json = JsonNodeFactory.instance.objectNode().put("profile", "quick").put("seed", 3);
    CacheEntry entry =
        new CacheEntry(
            entryDir,
            "demo",
            "echo",
            "k",
            List.of(
                new OutputRecord("grid.png", OutputKind.FIGURE, "", 3, ""),
                new OutputRecord("scores.csv", OutputKind.TABLE, "", 10, ""),
                new OutputRecord("model.bin", OutputKind.CHECKPOINT, "", 10, "")),
            json);
    data = new ReportData("T", "quick", Map.of("demo", entry), Map.of("broken", "boom"));
  }

  private String render(String markdown) {
    Path page = TestProjects.write(dir.resolve("content/page.md"), markdown);
    return new MarkdownRenderer()
        .render(PageSource.read(page), data, Set.of("page", "index"), new Assets());
  }

  private RenderException fails(String markdown) {
    return assertThrows(RenderException.class, () -> render(markdown));
  }

  @Test
  void resolvesFiguresTablesMathAndPageLinks() {
    Document html =
        Jsoup.parse(
            render(
                """
        # Title

        ![A grid](exp:demo/grid.png)

        ```table
        exp:demo/scores.csv
        caption: Scores.
        ```

        Inline $`x_t`$ and [home](index.md#top).

        ```math
        \\bar\\alpha_t
        ```
        """));
    assertEquals("assets/demo/grid.png", html.selectFirst("img").attr("src"));
    assertEquals("1,5", html.select("table.data td").get(3).text());
    assertEquals("num", html.select("table.data td").get(1).className());
    assertTrue(html.selectFirst("figcaption").text().contains("Scores."));
    assertEquals("index.html#top", html.selectFirst("a[href^=index]").attr("href"));
    assertEquals(2, html.select(".math svg").size());
    assertEquals("x_t", html.selectFirst(".math.inline svg").attr("aria-label"));
  }

  @Test
  void unknownExperimentIsAnErrorNamingPageAndLine() {
    RenderException e = fails("# T\n\ntext\n\n![x](exp:ghost/grid.png)\n");
    assertTrue(e.getMessage().contains("page.md:5: unknown experiment 'ghost'"), e.getMessage());
  }

  @Test
  void unknownOutputIsAnErrorListingTheOutputs() {
    RenderException e = fails("![x](exp:demo/nope.png)\n");
    assertTrue(
        e.getMessage().contains("page.md:1: experiment 'demo' has no output 'nope.png'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("grid.png, scores.csv"), e.getMessage());
  }

  @Test
  void checkpointsAreNotPublished() {
    RenderException e = fails("[weights](exp:demo/model.bin)\n");
    assertTrue(e.getMessage().contains("checkpoint"), e.getMessage());
  }

  @Test
  void malformedReferencesAndBlocksAreErrors() {
    assertTrue(fails("![x](exp:demo)\n").getMessage().contains("must have the form"));
    assertTrue(fails("![x](exp:../etc/passwd)\n").getMessage().contains("must have the form"));
    assertTrue(fails("```table\ndemo/scores.csv\n```\n").getMessage().contains("page.md:2"));
    assertTrue(
        fails("```table\nexp:demo/grid.png\n```\n").getMessage().contains("not a CSV table"));
    assertTrue(
        fails("```table\nexp:demo/scores.csv\ncolour: red\n```\n")
            .getMessage()
            .contains("unknown table option"));
    assertTrue(
        fails("x\n\n$`\\nosuchcommand{1}`$\n")
            .getMessage()
            .contains("page.md:3: cannot parse TeX"));
    assertTrue(fails("[x](other.md)\n").getMessage().contains("link to page 'other.md'"));
  }

  @Test
  void missingExperimentBecomesAPlaceholderReference() {
    String html = render("![x](exp:broken/grid.png)\n");
    assertTrue(html.contains("#missing:broken"), html);
  }
}
