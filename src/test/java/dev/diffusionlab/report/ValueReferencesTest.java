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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {{exp:...}}, {{params:...}} and {{entry:...}} against a hand-made entry. */
class ValueReferencesTest {
  @TempDir Path dir;
  private ReportData data;

  @BeforeEach
  void entry() {
    Path entryDir = dir.resolve("results/blur/0123456789abcdef");
    TestProjects.write(
        entryDir.resolve("psnr.csv"),
        "t,PSNR noisy (dB),PSNR blurred (dB),images/s\n250,12.345,19.5,3\n500,8.25,17.25,5\n");
    TestProjects.write(
        entryDir.resolve("scores.json"), "{\"overall\": {\"accuracy\": 0.9375, \"n\": 320}}");
    ObjectNode json =
        JsonNodeFactory.instance
            .objectNode()
            .put("profile", "quick")
            .put("seed", 3)
            .put("started", "2026-11-24T16:32:41.326Z")
            .put("wallSeconds", 860.4);
    json.putObject("params").put("hidden", 16).put("lr", 5.0e-4).put("guidance", 7.0);
    json.withArray("/params/epochs").add(1).add(4);
    json.putObject("machine").put("cpu", "Test CPU").put("threads", 2);
    CacheEntry entry =
        new CacheEntry(
            entryDir,
            "blur",
            "blur-denoise",
            "k",
            List.of(
                new OutputRecord("psnr.csv", OutputKind.TABLE, "", 1, ""),
                new OutputRecord("scores.json", OutputKind.DATA, "", 1, "")),
            json);
    ObjectNode old = JsonNodeFactory.instance.objectNode().put("wallSeconds", 5522.2);
    old.putObject("machine").put("cpu", "Old CPU");
    CacheEntry oldEntry = new CacheEntry(dir.resolve("old"), "old", "t", "k2", List.of(), old);
    data =
        new ReportData(
            "T", "quick", Map.of("blur", entry, "old", oldEntry), Map.of("gone", "failed"));
  }

  private String text(String markdown) {
    Path page = TestProjects.write(dir.resolve("content/page.md"), markdown);
    String html =
        new MarkdownRenderer().render(PageSource.read(page), data, Set.of("page"), new Assets());
    return Jsoup.parse(html).text();
  }

  private String error(String markdown) {
    return assertThrows(RenderException.class, () -> text(markdown)).getMessage();
  }

  @Test
  void readsCsvCellsByFirstColumnAndHeaderWithAnOptionalFormat() {
    assertEquals(
        "At t = 250 the blur gives 19.5 dB, the noise 12.3 dB.",
        text(
            "At t = 250 the blur gives {{exp:blur/psnr.csv#250/PSNR blurred (dB)}} dB, the noise"
                + " {{exp:blur/psnr.csv#250/PSNR noisy (dB)|%.1f}} dB."));
    assertEquals("5 images/s", text("{{exp:blur/psnr.csv#500/images/s}} images/s"));
  }

  @Test
  void aggregatesACsvColumn() {
    // (19.5 + 17.25) / 2 = 18.375; min 17.25; sum of 3 and 5 = 8.
    assertEquals(
        "18.38 17.25 8",
        text(
            "{{exp:blur/psnr.csv#:mean/PSNR blurred (dB)|%.2f}}"
                + " {{exp:blur/psnr.csv#:min/PSNR blurred (dB)}} {{exp:blur/psnr.csv#:sum/images/s}}"));
  }

  @Test
  void readsJsonByDottedPath() {
    // 0.9375 is exact in binary; %.3f rounds half up.
    assertEquals(
        "0.938 of 320",
        text(
            "{{exp:blur/scores.json#overall.accuracy|%.3f}} of {{exp:blur/scores.json#overall.n}}"));
  }

  @Test
  void readsParamsAndProvenanceReadably() {
    assertEquals(
        "D = 16, lr 0.0005, gamma 7, epochs 1, 4 (last 4)",
        text(
            "D = {{params:blur.hidden}}, lr {{params:blur.lr}}, gamma {{params:blur.guidance}},"
                + " epochs {{params:blur.epochs}} (last {{params:blur.epochs.-1}})"));
    assertEquals(
        "14 min 20 s on Test CPU, 2 threads, started 2026-11-24 16:32 UTC",
        text(
            "{{entry:blur.wall}} on {{entry:blur.machine.cpu}}, {{entry:blur.machine.threads}}"
                + " threads, started {{entry:blur.started}}"));
    assertEquals("1 h 32 min, not recorded", text("{{entry:old.wall}}, {{entry:old.commit}}"));
  }

  @Test
  void valuesWorkInTableCaptions() {
    String html =
        text("```table\nexp:blur/psnr.csv\ncaption: Kernel for D = {{params:blur.hidden}}.\n```\n");
    assertTrue(html.contains("Kernel for D = 16."), html);
  }

  @Test
  void anExperimentWithoutEntryReadsNotAvailable() {
    assertEquals("x n/a y n/a", text("x {{exp:gone/a.csv#1/b}} y {{params:gone.hidden}}"));
  }

  @Test
  void badReferencesAreErrorsNamingPageAndLine() {
    assertTrue(error("a\n\n{{exp:blur/psnr.csv#999/PSNR noisy (dB)}}").contains("page.md:3:"));
    assertTrue(error("{{exp:blur/psnr.csv#250/nope}}").contains("the columns are t, PSNR"));
    assertTrue(error("{{exp:ghost/psnr.csv#250/t}}").contains("unknown experiment 'ghost'"));
    assertTrue(error("{{exp:blur/nope.csv#250/t}}").contains("has no output 'nope.csv'"));
    assertTrue(error("{{exp:blur/psnr.csv}}").contains("expected exp:<id>/<file>#<key>"));
    assertTrue(error("{{exp:blur/scores.json#overall.nope}}").contains("no 'overall.nope'"));
    assertTrue(error("{{exp:blur/scores.json#overall}}").contains("an object"));
    assertTrue(error("{{params:blur.depth}}").contains("no 'depth' in the params of blur"));
    assertTrue(error("{{params:ghost.depth}}").contains("unknown experiment 'ghost'"));
    assertTrue(error("{{entry:blur.nothing}}").contains("no 'nothing' in entry.json of blur"));
    assertTrue(error("{{params:blur.hidden|%.1q}}").contains("bad format"));
    assertTrue(error("{{entry:blur.machine.cpu|%.1f}}").contains("needs a number"));
    assertTrue(error("x\n{{params:blur.hidden").contains("page.md:2: a value reference"));
  }
}
