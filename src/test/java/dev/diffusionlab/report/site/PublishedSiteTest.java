package dev.diffusionlab.report.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.build.Bake;
import dev.diffusionlab.build.Project;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default site as published, built from the committed cache: valid HTML by HTML Tidy, and in
 * headless Chromium at 1280 and 390 px wide no sideways scrolling, every image loaded, no script
 * error, and a dark background when the reader prefers dark. Screenshots of every page at both
 * widths, light and dark, go to {@code target/site-screenshots/}. Without {@code tidy} or {@code
 * chromium} the tests are skipped, except under {@code CI=true}, where they fail.
 */
class PublishedSiteTest {
  private static final List<String> PAGES =
      List.of("index", "part-a", "part-b", "performance", "experiments", "404");
  private static final Pattern PROBE = Pattern.compile("data-probe=\"([^\"]*)\"");

  @TempDir static Path temp;
  private static Path site;

  @BeforeAll
  static void build() {
    site = temp.resolve("site");
    Bake bake =
        new Bake(
            Project.at(Path.of(".")),
            ExperimentTypes.standard(),
            new PrintStream(OutputStream.nullOutputStream()),
            false);
    Bake.Result result =
        bake.build(
            new Bake.Request("quick", Set.of(), Set.of(), false, site, "https://example.org/r/"));
    assertEquals(0, result.exitCode(), "the committed cache builds the site");
  }

  @Test
  void siteHasSearchSitemapNotFoundPageAndFavicon() throws IOException {
    String index = Files.readString(site.resolve(SearchIndex.FILE));
    assertTrue(index.startsWith("window.SEARCH_INDEX = ["));
    JsonNode sections =
        new ObjectMapper()
            .readTree(index.substring("window.SEARCH_INDEX = ".length(), index.length() - 2));
    boolean partBSection = false;
    for (JsonNode section : sections) {
      partBSection |= section.path("u").asText().startsWith("part-b.html#");
    }
    assertTrue(partBSection, "part B's sections are searchable");
    String sitemap = Files.readString(site.resolve("sitemap.xml"));
    assertTrue(sitemap.contains("<loc>https://example.org/r/part-a.html</loc>"));
    assertTrue(sitemap.contains("<loc>https://example.org/r/experiments.html</loc>"));
    assertTrue(Files.readString(site.resolve("404.html")).contains("Page not found"));
    assertTrue(Files.isRegularFile(site.resolve("static/favicon.svg")));
  }

  @Test
  void figuresLinkTheirDataAndChartsAreSvg() throws IOException {
    String partB = Files.readString(site.resolve("part-b.html"));
    // the one-step denoiser's loss is drawn from its loss.csv, which is published and linked
    assertTrue(partB.contains("<svg class=\"chart\""));
    assertTrue(partB.contains("href=\"assets/one-step-denoiser/loss.csv\""));
    assertTrue(Files.isRegularFile(site.resolve("assets/one-step-denoiser/loss.csv")));
    assertTrue(!partB.contains("src=\"assets/one-step-denoiser/loss.png\""));
    // every file a published index.json lists is published (ddpm-time lists sample1..40.png)
    assertTrue(Files.isRegularFile(site.resolve("assets/ddpm-time/sample40.png")));
    // animations show their last frame and load the GIF only on request
    assertTrue(partB.contains("data-animation=\"assets/ddpm-time/sampling.gif\""));
    assertTrue(Files.isRegularFile(site.resolve("assets/ddpm-time/sampling-last-frame.png")));
    for (String page : PAGES) {
      String html = Files.readString(site.resolve(page + ".html"));
      assertTrue(!html.contains("jfreesvg"), page + " has no foreign SVG namespace");
      Matcher img = Pattern.compile("<img [^>]*>").matcher(html);
      while (img.find()) {
        assertTrue(img.group().contains(" width=\""), page + ": " + img.group());
        assertTrue(img.group().contains(" alt=\""), page + ": " + img.group());
      }
    }
  }

  @Test
  void everyPageWeighsAtMostThreeMegabytes() throws IOException {
    for (String page : PAGES) {
      String html = Files.readString(site.resolve(page + ".html"));
      long bytes = html.getBytes(StandardCharsets.UTF_8).length;
      Matcher src = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
      Set<String> seen = new java.util.HashSet<>();
      while (src.find()) {
        Path file = site.resolve(src.group(1));
        if (seen.add(src.group(1)) && Files.isRegularFile(file)) {
          bytes += Files.size(file);
        }
      }
      assertTrue(bytes <= 3_000_000, page + " weighs " + bytes + " bytes with its images");
    }
  }

  @Test
  @Tag("tidy")
  void everyPageIsValidHtmlForTidy() throws Exception {
    requireTool("tidy");
    for (String page : PAGES) {
      Process tidy =
          new ProcessBuilder("tidy", "-q", "-e", site.resolve(page + ".html").toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(tidy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(tidy.waitFor(60, TimeUnit.SECONDS));
      // tidy exits 2 on errors, 1 on warnings only
      assertTrue(tidy.exitValue() < 2, page + ".html has HTML errors:\n" + out);
      // Tidy 5.6 predates the loading, decoding and aria-current attributes and takes a chart's SVG
      // <title id> (which aria-labelledby names) for HTML's: valid HTML it warns about. Any other
      // warning is a defect (inline math once had sizes like "48.0").
      List<String> warnings =
          out.lines()
              .filter(line -> line.contains("Warning:"))
              .filter(
                  line ->
                      !line.matches(".*proprietary attribute \"(loading|decoding|aria-current)\".*")
                          && !line.contains("<title> proprietary attribute \"id\""))
              .toList();
      assertEquals(List.of(), warnings, page + ".html");
    }
  }

  @Test
  @Tag("browser")
  void pagesFitPhonesLoadEveryImageAndFollowDarkMode() throws Exception {
    requireTool("chromium");
    Path shots = Path.of("target", "site-screenshots");
    Files.createDirectories(shots);
    List<String> problems = new ArrayList<>();
    for (String page : PAGES) {
      String light = null;
      for (boolean dark : new boolean[] {false, true}) {
        for (int width : new int[] {1280, 390}) {
          JsonNode probe = probe(page, width, dark);
          int scroll = probe.path("scrollWidth").asInt();
          int client = probe.path("clientWidth").asInt();
          if (scroll > client) {
            problems.add(
                page + " at " + width + " px scrolls sideways: " + scroll + " > " + client);
          }
          if (!probe.path("broken").isEmpty()) {
            problems.add(page + " has images that do not load: " + probe.path("broken"));
          }
          if (!probe.path("shrunkPixelated").isEmpty()) {
            problems.add(
                page
                    + " at "
                    + width
                    + " px shrinks images with nearest neighbour: "
                    + probe.path("shrunkPixelated"));
          }
          if (!probe.path("smallLabels").isEmpty()) {
            problems.add(
                page
                    + " at "
                    + width
                    + " px has grid labels under 11 px: "
                    + probe.path("smallLabels"));
          }
          if (!probe.path("errors").isEmpty()) {
            problems.add(page + " has script errors: " + probe.path("errors"));
          }
          String background = probe.path("background").asText();
          if (!dark) {
            light = background;
          } else {
            assertNotEquals(light, background, page + ": dark mode changes the background");
          }
          screenshot(
              page,
              width,
              dark,
              shots.resolve(page + "-" + width + (dark ? "-dark" : "") + ".png"));
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  private static void requireTool(String tool) {
    boolean found = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      found |= Files.isExecutable(Path.of(dir, tool));
    }
    if (!found && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(tool + " is not installed; .ci/run installs it");
    }
    Assumptions.assumeTrue(found, tool + " is not installed");
  }

  /** Opens the page in an iframe of the given width and reads what the probe script measured. */
  private static JsonNode probe(String page, int width, boolean dark) throws Exception {
    Path probe = site.resolve("probe-" + page + ".html");
    Files.writeString(
        probe,
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>probe</title></head>
        <body style="margin:0"><iframe id="f" src="PAGE.html" style="width:WIDTHpx;height:900px;border:0"></iframe>
        <script>
        var f = document.getElementById('f'); var errors = [];
        f.addEventListener('load', function () {
          var w = f.contentWindow;
          w.addEventListener('error', function (e) { errors.push(String(e.message)); });
          [].slice.call(w.document.images).forEach(function (i) { i.loading = 'eager'; });
          setTimeout(function () {
            var d = w.document.documentElement;
            var broken = [].slice.call(w.document.images)
                .filter(function (i) { return !i.complete || i.naturalWidth === 0; })
                .map(function (i) { return i.getAttribute('src'); });
            var shrunkPixelated = [].slice.call(w.document.images)
                .filter(function (i) { return w.getComputedStyle(i).imageRendering === 'pixelated'
                    && i.getBoundingClientRect().width * w.devicePixelRatio < i.naturalWidth - 0.5; })
                .map(function (i) { return i.getAttribute('src'); });
            var smallLabels = [].slice.call(w.document.querySelectorAll('.image-grid span'))
                .filter(function (s) { return parseFloat(w.getComputedStyle(s).fontSize) < 11; })
                .map(function (s) { return s.textContent; });
            document.body.setAttribute('data-probe', JSON.stringify({scrollWidth: d.scrollWidth,
                clientWidth: d.clientWidth, broken: broken, errors: errors,
                shrunkPixelated: shrunkPixelated, smallLabels: smallLabels,
                background: w.getComputedStyle(w.document.body).backgroundColor}));
          }, 1500);
        });
        </script></body></html>
        """
            .replace("PAGE", page)
            .replace("WIDTH", Integer.toString(width)));
    List<String> command = chromium(dark);
    command.addAll(
        List.of(
            "--allow-file-access-from-files",
            "--window-size=1400,900",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probe.toUri().toString()));
    String dom = run(command);
    Files.delete(probe);
    Matcher m = PROBE.matcher(dom);
    assertTrue(m.find(), "the probe of " + page + " reported nothing");
    return new ObjectMapper().readTree(m.group(1).replace("&quot;", "\"").replace("&amp;", "&"));
  }

  private static void screenshot(String page, int width, boolean dark, Path png) throws Exception {
    List<String> command = chromium(dark);
    command.addAll(
        List.of(
            "--hide-scrollbars",
            "--window-size=" + width + ",1800",
            "--screenshot=" + png.toAbsolutePath(),
            site.resolve(page + ".html").toUri().toString()));
    run(command);
    assertTrue(Files.size(png) > 0, "screenshot of " + page);
  }

  private static List<String> chromium(boolean dark) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(temp, "chromium")));
    if (dark) {
      command.add("--force-dark-mode");
    }
    return command;
  }

  private static String run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    return out;
  }
}
