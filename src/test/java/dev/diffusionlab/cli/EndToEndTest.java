package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds a tiny manifest into a temporary site and checks the pages, images and links. */
class EndToEndTest {
  @TempDir Path project;

  private static final String MANIFEST =
      """
      title: Tiny report
      profiles:
        quick:
          types: {forward-process: {size: 16}}
      experiments:
        - id: forward
          type: forward-process
          seed: 1
          params: {image: images/cat.png, timesteps: [100, 900]}
        - id: blur
          type: blur-denoise
          seed: 1
          params: {source: forward}
          depends_on: [forward]
      """;

  @BeforeEach
  void layOut() {
    TestProjects.copyTemplates(project);
    TestProjects.copyImage(project, "cat.png");
    TestProjects.write(project.resolve("content/manifest.yaml"), MANIFEST);
    TestProjects.write(
        project.resolve("content/index.md"),
        """
        ---
        title: Home
        ---
        See [the results](results.md) and [how they were made](experiments.md).

        ![The cat](exp:forward/original.png){#fig-cat}
        """);
    TestProjects.write(
        project.resolve("content/results.md"),
        """
        ---
        title: Results
        order: 5
        ---
        ## Forward

        $`x_t = \\sqrt{\\bar\\alpha_t} x_0`$

        ![Noisy](exp:forward/forward.png)

        ## Blur

        ![Blurred](exp:blur/blur.png)

        ```table
        exp:blur/psnr.csv
        ```

        [raw data](exp:blur/psnr.csv)
        """);
  }

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  @Test
  void buildsTheSiteAndASecondBuildRunsNothing() throws IOException {
    Path site = project.resolve("out");
    CommandRun first = run("--project", project.toString(), "--out", site.toString());
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("2 ran"), first.out());

    for (String page : List.of("index.html", "results.html", "experiments.html")) {
      Document html = Jsoup.parse(site.resolve(page).toFile(), "UTF-8");
      assertEquals(3, html.select("header nav a").size(), page);
      for (Element img : html.select("img[src]")) {
        assertLocalFileExists(site, img.attr("src"), page);
      }
      for (Element a : html.select("a[href], link[href]")) {
        assertLocalFileExists(site, a.attr("href"), page);
      }
    }
    Document results = Jsoup.parse(site.resolve("results.html").toFile(), "UTF-8");
    assertEquals(2, results.select("figure img").size());
    assertEquals("Figure 1.", results.selectFirst("figcaption .label").text());
    assertTrue(
        results.selectFirst("figcaption").text().contains("forward · profile quick · seed 1"));
    assertEquals(3, results.select("table.data tr").size(), "header and two timesteps");
    assertEquals(List.of("Forward", "Blur"), results.select("aside.toc a").eachText());
    assertEquals(1, results.select(".math svg").size());
    Document index = Jsoup.parse(site.resolve("index.html").toFile(), "UTF-8");
    assertEquals("fig-cat", index.selectFirst("figure").id());
    assertTrue(index.selectFirst("a[href=results.html]") != null);

    byte[] before = Files.readAllBytes(site.resolve("results.html"));
    CommandRun second = run("--project", project.toString(), "--out", site.toString());
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("2 cached, 0 ran"), second.out());
    assertEquals(
        new String(before, StandardCharsets.UTF_8),
        Files.readString(site.resolve("results.html")),
        "rebuilding gives the same page");

    CommandRun dry =
        run("build", "--project", project.toString(), "--dry-run", "--profile", "course");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(
        dry.out().contains("forward  forward-process  to run  stale: params.size 16 → 64"),
        dry.out());
  }

  @Test
  void badManifestExitsWithTwoAndNamesTheLine() {
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        MANIFEST.replace("timesteps: [100, 900]", "timesteps: [100, 1900]"));
    CommandRun run = run("--project", project.toString());
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("manifest.yaml:9:"), run.err());
    assertTrue(run.err().contains("params.timesteps[1]: t = 1900 is outside [0, 1000)"), run.err());
    assertFalse(Files.exists(project.resolve("results")), "nothing ran");
  }

  @Test
  void badPageReferenceExitsWithTwoBeforeAnythingRuns() {
    TestProjects.write(project.resolve("content/results.md"), "![x](exp:forward/nothing.png)\n");
    CommandRun run = run("--project", project.toString());
    assertEquals(2, run.code());
    assertTrue(
        run.err().contains("results.md:1: experiment 'forward' has no output 'nothing.png'"),
        run.err());
    assertFalse(Files.exists(project.resolve("results")), "nothing ran");
  }

  @Test
  void refusesAForeignOutputFolderBeforeAnythingRuns() {
    Path foreign = TestProjects.write(project.resolve("mine/notes.txt"), "keep me").getParent();
    CommandRun run = run("--project", project.toString(), "--out", foreign.toString());
    assertEquals(2, run.code());
    assertTrue(
        run.err().contains("--out " + foreign.toAbsolutePath() + " is not empty and was not made"),
        run.err());
    assertFalse(run.err().contains("Exception"), run.err());
    assertTrue(Files.exists(foreign.resolve("notes.txt")));
    assertFalse(Files.exists(project.resolve("results")), "nothing ran");
    CommandRun dry = run("--project", project.toString(), "--out", foreign.toString(), "--dry-run");
    assertEquals(2, dry.code(), "a dry run checks the output folder too");
  }

  @Test
  void helpListsTheOptions() {
    CommandRun run = run("build", "--help");
    assertEquals(0, run.code());
    for (String option :
        List.of("--manifest", "--profile", "--only", "--force", "--dry-run", "--out")) {
      assertTrue(run.out().contains(option), option);
    }
    assertTrue(run("cache", "gc", "--help").out().contains("--dry-run"));
  }

  private static void assertLocalFileExists(Path site, String url, String page) {
    if (url.startsWith("#") || url.contains("://")) {
      return;
    }
    String path = url.split("#", 2)[0];
    assertFalse(path.startsWith("/"), page + ": absolute link " + url);
    assertTrue(Files.isRegularFile(site.resolve(path)), page + ": broken link " + url);
  }
}
