package dev.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.diffusionlab.report.site.SiteBuilder;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.OutputRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages as editors write them (CRLF, BOM), malformed front matter, formulas and anchors. */
class PageInputTest {
  @TempDir Path dir;

  private PageSource page(String text) {
    return PageSource.read(TestProjects.write(dir.resolve("content/page.md"), text));
  }

  private RenderException pageFails(String text) {
    return assertThrows(RenderException.class, () -> page(text));
  }

  @Test
  void readsFrontMatterWithCrlfLineEndsOrAByteOrderMark() throws IOException {
    PageSource crlf = page("---\r\ntitle: Part A\r\norder: 2\r\n---\r\n# Body\r\n");
    assertEquals("Part A", crlf.title());
    assertEquals(2, crlf.order());
    assertEquals("\n\n\n\n# Body\n", crlf.markdown(), "line numbers still match the file");
    Path bom = dir.resolve("content/bom.md");
    Files.write(bom, "\uFEFF---\ntitle: With BOM\n---\ntext\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("With BOM", PageSource.read(bom).title());
  }

  @Test
  void emptyFrontMatterIsClosed() {
    PageSource p = page("---\n---\n# Body\n");
    assertEquals("page", p.title());
    assertEquals(100, p.order());
    assertTrue(p.markdown().endsWith("# Body\n"), p.markdown());
  }

  @Test
  void rejectsTitlesAndOrdersOfTheWrongType() {
    RenderException title = pageFails("---\norder: 1\ntitle: [a, b]\n---\n");
    assertTrue(title.getMessage().contains("page.md:3: title: expected text"), title.getMessage());
    RenderException order = pageFails("---\norder: abc\n---\n");
    assertTrue(
        order.getMessage().contains("page.md:2: order: expected an integer"), order.getMessage());
    assertTrue(pageFails("---\ntitle: x\n").getMessage().contains("never closed"));
  }

  private String render(String markdown) {
    ReportData data = new ReportData("T", "quick", Map.of(), Map.of());
    return new MarkdownRenderer().render(page(markdown), data, Set.of("page"), new Assets());
  }

  @Test
  void badTexIsAnErrorNamingPageAndLine() {
    for (String tex : List.of("\\frac{a}", "x^", "{x", "\\sqrt", "{}")) {
      RenderException e =
          assertThrows(RenderException.class, () -> render("Text\n\nInline $`" + tex + "`$.\n"));
      assertTrue(e.getMessage().contains("page.md:3:"), tex + ": " + e.getMessage());
    }
    RenderException block =
        assertThrows(RenderException.class, () -> render("# T\n\n```math\n\\frac{1}\n```\n"));
    assertTrue(block.getMessage().contains("page.md:3:"), block.getMessage());
    // Well-formed formulas still render.
    assertTrue(render("$`\\frac{1}{2} x^{2} \\sqrt[3]{y}_t`$").contains("<svg"));
  }

  @Test
  void duplicateAnchorsAreAnErrorNamingBothLines() {
    RenderException headings =
        assertThrows(RenderException.class, () -> render("# Results\n\ntext\n\n## Results\n"));
    assertTrue(
        headings.getMessage().contains("page.md:5:")
            && headings.getMessage().contains("already defined at line 1"),
        headings.getMessage());
    RenderException explicit =
        assertThrows(
            RenderException.class,
            () -> render("# Intro\n\n![a](b.png){#fig-a}\n\n![c](d.png){#fig-a}\n"));
    assertTrue(
        explicit.getMessage().contains("page.md:5:")
            && explicit.getMessage().contains("'#fig-a' is already defined at line 3"),
        explicit.getMessage());
    assertTrue(render("# Intro\n\n![a](b.png){#fig-a}\n\n## Other\n").contains("fig-a"));
  }

  @Test
  void manifestStringsAreEscapedOnEveryPageThatShowsThem() throws IOException {
    String evil = "<script>alert(1)</script>";
    Path entryDir = dir.resolve("results/demo/0123456789abcdef");
    TestProjects.write(entryDir.resolve("grid.png"), "png");
    ObjectNode json = JsonNodeFactory.instance.objectNode().put("profile", "quick").put("seed", 3);
    json.putObject("keyMaterial").putObject("params").put("prompt", evil);
    CacheEntry entry =
        new CacheEntry(
            entryDir,
            "demo",
            "echo",
            "0123456789abcdef0123456789abcdef",
            List.of(new OutputRecord("grid.png", OutputKind.FIGURE, evil, 3, "")),
            json);
    ReportData data = new ReportData(evil, "quick", Map.of("demo", entry), Map.of("broken", evil));
    Path content = dir.resolve("site-content");
    TestProjects.write(
        content.resolve("index.md"),
        "---\ntitle: Home\n---\n# Home\n\n![Grid.](exp:demo/grid.png)\n\n![Gone.](exp:broken/x.png)\n");
    Path out = dir.resolve("site");
    List<String> pages = new SiteBuilder(content, Path.of("templates")).build(data, out);
    assertEquals(List.of("experiments.html", "index.html"), pages);
    for (String name : pages) {
      String html = Files.readString(out.resolve(name));
      Document doc = Jsoup.parse(html);
      assertFalse(
          doc.select("script").stream().anyMatch(s -> s.data().contains("alert(1)")),
          name + " runs a manifest string as a script");
      assertTrue(html.contains("&lt;script&gt;alert(1)"), name + " shows the escaped string");
    }
  }
}
