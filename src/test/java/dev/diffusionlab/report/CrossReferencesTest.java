package dev.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.report.site.RenderException;
import dev.diffusionlab.report.site.ReportData;
import dev.diffusionlab.report.site.SiteBuilder;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.OutputRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figure and table numbers, @fig-/@tbl- references across pages, the experiments page. */
class CrossReferencesTest {
  @TempDir Path project;
  private ReportData data;

  @BeforeEach
  void layOut() {
    TestProjects.copyTemplates(project);
    Map<String, CacheEntry> entries = new LinkedHashMap<>();
    // Inserted in an order that is neither the manifest's nor alphabetical.
    for (String id : List.of("zeta", "alpha", "mid")) {
      Path dir = project.resolve("results").resolve(id).resolve("0123456789abcdef");
      TestProjects.write(dir.resolve("grid.png"), "png");
      TestProjects.write(dir.resolve("t.csv"), "a,b\n1,2\n");
      ObjectNode json =
          JsonNodeFactory.instance
              .objectNode()
              .put("profile", "quick")
              .put("seed", 1)
              .put("started", "2026-11-24T16:32:41Z")
              .put("wallSeconds", 75.0)
              .put("commit", "0123abcd");
      json.putObject("machine").put("cpu", "Test CPU").put("cores", 2);
      entries.put(
          id,
          new CacheEntry(
              dir,
              id,
              "demo",
              "0123456789abcdef0123",
              List.of(
                  new OutputRecord("grid.png", OutputKind.FIGURE, "", 3, ""),
                  new OutputRecord("t.csv", OutputKind.TABLE, "", 8, "")),
              json));
    }
    data =
        new ReportData(
            "T",
            "quick",
            entries,
            Map.of("gone", "failed"),
            List.of("mid", "gone", "zeta", "alpha"));
    TestProjects.write(
        project.resolve("content/index.md"),
        """
        ---
        title: Home
        ---
        ![First](exp:zeta/grid.png)

        ![Second, beside @fig-one](exp:alpha/grid.png){#fig-two}

        As @fig-two shows, and @tbl-numbers and @fig-one (on the other page). Mail a@fig-two.org.

        ```table {#tbl-numbers}
        exp:mid/t.csv
        ```

        ![Lost](exp:gone/grid.png){#fig-lost}

        See @fig-lost.
        """);
    TestProjects.write(
        project.resolve("content/other.md"),
        """
        ---
        title: Other
        ---
        ![Only](exp:mid/grid.png){#fig-one}

        Back to @fig-two.
        """);
  }

  private Document page(String name) throws IOException {
    new SiteBuilder(project.resolve("content"), project.resolve("templates"))
        .build(data, project.resolve("site"));
    return Jsoup.parse(project.resolve("site").resolve(name).toFile(), "UTF-8");
  }

  @Test
  void referencesReadFigureAndTableNumbersAndLinkAcrossPages() throws IOException {
    Document index = page("index.html");
    assertEquals(List.of("figure-1", "fig-two"), index.select("figure:has(img)").eachAttr("id"));
    assertEquals(
        List.of("Figure 2", "Table 1", "Figure 1 of “Other”", "Figure (not available)"),
        index.select("main p a.xref").eachText());
    assertEquals(
        List.of("#fig-two", "#tbl-numbers", "other.html#fig-one", "#fig-lost"),
        index.select("main p a.xref").eachAttr("href"));
    assertEquals("Table 1.", index.selectFirst("#tbl-numbers figcaption .label").text());
    assertEquals("fig-lost", index.selectFirst("div.missing").id());
    assertEquals(
        "other.html#fig-one", index.selectFirst("#fig-two figcaption a.xref").attr("href"));
    assertTrue(index.text().contains("Mail a@fig-two.org."), "an e-mail address is left alone");
    assertEquals("index.html#fig-two", page("other.html").selectFirst("a.xref").attr("href"));
    assertTrue(index.select("[class=xref-pending]").isEmpty());
  }

  @Test
  void experimentsPageFollowsTheManifestAndLinksBothWays() throws IOException {
    Document index = page("index.html");
    assertEquals(
        "experiments.html#alpha",
        index.selectFirst("#fig-two .provenance a").attr("href"),
        "a figure's provenance links to its experiment's row");
    Document experiments = page("experiments.html");
    assertEquals(
        List.of("mid", "gone", "zeta", "alpha"),
        experiments.select("tbody tr").eachAttr("id"),
        "rows in the manifest's order");
    assertEquals("1 min 15 s", experiments.select("#alpha td").get(5).text());
    assertEquals("2026-11-24 16:32 UTC", experiments.select("#alpha td").get(4).text());
    assertEquals(
        List.of("index.html#fig-two"),
        experiments.select("#alpha td a[href*=html]").eachAttr("href"));
    assertEquals(
        List.of("Home, Table 1", "Other, Figure 1"),
        experiments.select("#mid td a[href*=html]").eachText());
    String details = experiments.selectFirst("#details-alpha + dl").text();
    assertTrue(details.contains("PyTorch threads: not recorded"), details);
    assertTrue(details.contains("commit 0123abcd"), details);
  }

  @Test
  void unknownReferenceIsAnErrorNamingPageAndLine() {
    TestProjects.write(
        project.resolve("content/other.md"),
        "---\ntitle: Other\n---\n![x](exp:mid/grid.png){#fig-one}\n\nsee @fig-nowhere.\n");
    RenderException e = assertThrows(RenderException.class, () -> page("index.html"));
    assertTrue(
        e.getMessage().contains("other.md:6: unknown cross-reference @fig-nowhere"),
        e.getMessage());
    assertTrue(e.getMessage().contains("#fig-lost, #fig-one, #fig-two"), e.getMessage());
  }

  @Test
  void unknownReferenceInACaptionNamesItsLine() {
    TestProjects.write(
        project.resolve("content/other.md"),
        "---\ntitle: Other\n---\n\n![See @tbl-none](exp:mid/grid.png){#fig-one}\n");
    RenderException e = assertThrows(RenderException.class, () -> page("index.html"));
    assertTrue(
        e.getMessage().contains("other.md:5: unknown cross-reference @tbl-none"), e.getMessage());
  }

  @Test
  void anAnchorDefinedTwiceIsAnError() {
    TestProjects.write(
        project.resolve("content/other.md"),
        "---\ntitle: Other\n---\n\n![x](exp:mid/grid.png){#fig-one}\n\n![y](exp:mid/grid.png){#fig-two}\n");
    RenderException e = assertThrows(RenderException.class, () -> page("index.html"));
    assertTrue(
        e.getMessage().contains("other.md:7: anchor #fig-two is also defined on index.md"),
        e.getMessage());
  }
}
