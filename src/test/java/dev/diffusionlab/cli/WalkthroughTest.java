package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.report.CsvTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Adding an experiment" walkthrough, on a tiny manifest, through the command line.
 */
class WalkthroughTest {
  @TempDir Path project;

  @Test
  void aNewExperimentsFigureReferenceAndValueReachThePage() throws IOException {
    TestProjects.copyTemplates(project);
    TestProjects.copyImage(project, "cat.png");
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        """
        title: Walkthrough
        profiles:
          quick:
            types: {forward-process: {size: 16}}
        experiments:
          - id: forward-process
            type: forward-process
            seed: 180
            params: {image: images/cat.png, timesteps: [250, 750]}
          - id: blur-strong
            type: blur-denoise
            seed: 180
            params: {source: forward-process, kernel_size: 9, sigma: 4.0}
            depends_on: [forward-process]
        """);
    TestProjects.write(
        project.resolve("content/index.md"),
        """
        ---
        title: Home
        ---
        A stronger blur (σ = {{params:blur-strong.sigma}}) removes more noise and more of the image
        (@fig-blur-strong): at t = 250 its PSNR is {{exp:blur-strong/psnr.csv#250/PSNR blurred (dB)|%.1f}} dB
        (@tbl-blur-strong), after {{entry:blur-strong.wall}}.

        ![The stronger blur of x_t.](exp:blur-strong/blur.png){#fig-blur-strong}

        ```table {#tbl-blur-strong}
        exp:blur-strong/psnr.csv
        caption: PSNR of the stronger blur.
        ```
        """);
    assertEquals(0, Main.execute("--project", project.toString()));

    Path entry;
    try (Stream<Path> dirs = Files.list(project.resolve("results/blur-strong"))) {
      entry =
          dirs.filter(d -> !d.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
    CsvTable psnr = CsvTable.read(entry.resolve("psnr.csv"));
    int column = psnr.header().indexOf("PSNR blurred (dB)");
    List<String> row =
        psnr.rows().stream().filter(r -> r.get(0).equals("250")).findFirst().orElseThrow();
    String expected =
        String.format(java.util.Locale.ROOT, "%.1f", Double.parseDouble(row.get(column)));

    Document page = Jsoup.parse(project.resolve("site/index.html").toFile(), "UTF-8");
    String text = page.selectFirst("main p").text();
    assertTrue(
        text.startsWith(
            "A stronger blur (σ = 4) removes more noise and more of the image (Figure 1): at t = 250"
                + " its PSNR is "
                + expected
                + " dB (Table 1), after "),
        text);
    assertTrue(text.matches(".* after \\d+\\.\\d+ s\\."), text);
    assertEquals("#fig-blur-strong", page.selectFirst("main p a.xref").attr("href"));
    assertEquals(
        "experiments.html#blur-strong",
        page.selectFirst("#fig-blur-strong .provenance a").attr("href"));
  }
}
