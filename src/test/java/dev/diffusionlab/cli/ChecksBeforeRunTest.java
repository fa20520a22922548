package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input exits with 2 and a located message before any experiment runs, in a build and in
 * a dry run; a failed experiment exits with 1; suggestions name the closest valid name.
 */
class ChecksBeforeRunTest {
  @TempDir Path project;

  private static final String MANIFEST =
      """
      experiments:
        - id: forward
          type: forward-process
          seed: 1
          params: {image: images/cat.png, size: 16, timesteps: [100, 900]}
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
    manifest(MANIFEST);
    page("index.md", "![The cat](exp:forward/original.png)\n");
  }

  private void manifest(String yaml) {
    TestProjects.write(project.resolve("content/manifest.yaml"), yaml);
  }

  private void page(String name, String markdown) {
    TestProjects.write(project.resolve("content").resolve(name), markdown);
  }

  private CommandRun build(String... options) {
    List<String> args =
        new java.util.ArrayList<>(List.of("build", "--project", project.toString()));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  private void assertNothingRan() {
    assertFalse(Files.exists(project.resolve("results")), "nothing ran");
  }

  @Test
  void reportsEveryParamProblemOfEveryExperimentAtOnceEachWithItsLine() {
    manifest(
        """
        experiments:
          - id: forward
            type: forward-process
            params:
              image: images/cat.png
              size: 4
              timesteps: [100, lots]
              steps: 3
          - id: blur
            type: blur-denoise
            params: {source: forward, kernel_sise: 3, sigma: -1.0}
            depends_on: [forward]
        """);
    for (String dry : List.of("--dry-run", "--profile=quick")) {
      CommandRun run = build(dry);
      assertEquals(2, run.code(), run.out() + run.err());
      assertTrue(run.err().contains("the manifest has 5 problems"), run.err());
      assertTrue(run.err().contains("manifest.yaml:6:"), run.err());
      assertTrue(run.err().contains("params.size: expected 8 to 1024, got 4"), run.err());
      assertTrue(
          run.err().contains("manifest.yaml:7:")
              && run.err().contains("params.timesteps[1]: expected an integer, got text \"lots\""),
          run.err());
      assertTrue(
          run.err().contains("manifest.yaml:8:")
              && run.err().contains("unknown parameter 'steps' for type forward-process"),
          run.err());
      assertTrue(
          run.err().contains("manifest.yaml:11:")
              && run.err()
                  .contains("'kernel_sise' for type blur-denoise; did you mean 'kernel_size'?"),
          run.err());
      assertTrue(run.err().contains("params.sigma: expected > 0 and <= 100, got -1.0"), run.err());
      assertNothingRan();
    }
  }

  @Test
  void aMissingOrEscapingContentFileIsBadInputEvenInADryRun() {
    manifest(MANIFEST.replace("images/cat.png", "images/dog.png"));
    CommandRun missing = build("--dry-run");
    assertEquals(2, missing.code(), missing.out());
    assertTrue(
        missing.err().contains("manifest.yaml:5:")
            && missing.err().contains("params.image: file 'images/dog.png' not found in"),
        missing.err());
    assertFalse(missing.out().contains("to run"), missing.out());

    manifest(MANIFEST.replace("images/cat.png", "../../etc/passwd"));
    CommandRun outside = build();
    assertEquals(2, outside.code());
    assertTrue(
        outside.err().contains("'../../etc/passwd' is outside the content folder"), outside.err());
    assertNothingRan();
  }

  @Test
  void aDryRunFindsEveryBadPageReferenceBeforeAnythingRuns() {
    page(
        "results.md",
        """
        ---
        title: Results
        ---
        ![Blurred][blurred]

        <p><img src="exp:forward/noisy-t500.png" alt="not made"></p>

        ```table
        exp:blur/blur.png
        ```

        See [the other page](nowhere.md).

        [blurred]: exp:blurr/blur.png
        """);
    CommandRun run = build("--dry-run");
    assertEquals(2, run.code(), run.out() + run.err());
    String err = run.err();
    assertTrue(err.contains("4 problems found before anything ran"), err);
    assertTrue(
        err.contains(
            "results.md:14: unknown experiment 'blurr'; did you mean 'blur'?; the manifest has blur,"
                + " forward"),
        err);
    assertTrue(
        err.contains(
            "results.md:6: experiment 'forward' has no output 'noisy-t500.png'; did you mean"
                + " 'noisy-t100.png'?"),
        err);
    assertTrue(err.contains("results.md:9: 'blur.png' of 'blur' is not a CSV table"), err);
    assertTrue(err.contains("results.md:12: link to page 'nowhere.md'"), err);
    assertNothingRan();
  }

  @Test
  void referenceStyleLinksAndRawHtmlResolveToPublishedFiles() throws IOException {
    page(
        "results.md",
        """
        ![Noisy][noisy]

        <figure><img src="exp:forward/noisy-t900.png" alt="raw"></figure>

        [the table][psnr]

        [noisy]: exp:forward/forward.png
        [psnr]: exp:blur/psnr.csv
        """);
    Path site = project.resolve("site");
    CommandRun run = build();
    assertEquals(0, run.code(), run.out() + run.err());
    Document html = Jsoup.parse(site.resolve("results.html").toFile(), "UTF-8");
    List<String> sources = html.select("img").eachAttr("src");
    assertEquals(
        List.of("assets/forward/forward.png", "assets/forward/noisy-t900.png"),
        sources.stream().map(s -> s.replaceAll("\\?.*", "")).toList(),
        html.body().html());
    for (String src : html.select("img").eachAttr("src")) {
      assertTrue(Files.isRegularFile(site.resolve(src.replaceAll("\\?.*", ""))), src);
    }
    String href = html.selectFirst("a:contains(the table)").attr("href");
    assertTrue(Files.isRegularFile(site.resolve(href.replaceAll("\\?.*", ""))), href);
  }

  @Test
  void aBadProfileIsAnOptionErrorWithASuggestion() {
    CommandRun run = build("--profile", "quik");
    assertEquals(2, run.code());
    assertTrue(
        run.err().contains("error: --profile: unknown profile 'quik'; did you mean 'quick'?"),
        run.err());
    assertFalse(run.err().contains("the manifest has"), "not blamed on the manifest: " + run.err());
    assertTrue(run.err().contains("--help"), run.err());
    assertNothingRan();
  }

  @Test
  void unknownIdsTypesAndOptionsGetSuggestions() {
    CommandRun only = build("--only", "forwrd", "--dry-run");
    assertEquals(2, only.code());
    assertTrue(
        only.err().contains("--only: no experiment 'forwrd'; did you mean 'forward'?"), only.err());

    CommandRun option = build("--proflie", "quick");
    assertEquals(2, option.code());
    assertTrue(option.err().contains("Unknown options: '--proflie'"), option.err());
    assertTrue(
        option.err().contains("Possible solutions: --project, --profile"),
        "picocli's suggestion: " + option.err());

    manifest(MANIFEST.replace("type: blur-denoise", "type: blur-denoize"));
    CommandRun type = build("--dry-run");
    assertEquals(2, type.code());
    assertTrue(
        type.err().contains("unknown experiment type 'blur-denoize'; did you mean 'blur-denoise'?"),
        type.err());
    assertNothingRan();
  }

  @Test
  void aFailedExperimentExitsWithOneAndTheSiteIsStillWritten() {
    // blur reads forward without depending on it: the run fails, the build goes on.
    manifest(MANIFEST.replace("    depends_on: [forward]\n", ""));
    CommandRun run = build();
    assertEquals(1, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("1 ran, 1 failed"), run.out());
    assertTrue(Files.isRegularFile(project.resolve("site/index.html")));
    assertEquals(1, build().code(), "still failing on the next build");
    assertEquals(0, build("--only", "forward").code(), "a build without the failing one succeeds");
  }

  @Test
  void aDryRunPrintsAlignedColumnsAndSaysWhatIsUnavailable() {
    manifest(
        MANIFEST
            + """
              - id: if-sample
                type: sample
                params: {backend: deepfloyd, model: DeepFloyd/IF-I-XL-v1.0, prompts: [a cat],
                         embeddings: deepfloyd/absent.pth}
            """);
    CommandRun run = build("--dry-run");
    assertEquals(0, run.code(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(4, lines.size(), run.out());
    Pattern row = Pattern.compile("(\\S+)( +)(\\S+)( +)(cached|to run|unavailable)(.*)");
    int stateColumn = -1;
    for (String line : lines.subList(0, 3)) {
      Matcher m = row.matcher(line);
      assertTrue(m.matches(), line);
      assertTrue(stateColumn < 0 || stateColumn == m.start(5), "aligned: " + run.out());
      stateColumn = m.start(5);
    }
    assertTrue(
        lines.get(0).equals("forward    forward-process  to run       never run"), run.out());
    assertTrue(
        lines.get(2).startsWith("if-sample  sample           unavailable  prompt embeddings not"),
        run.out());
    assertEquals("0 cached, 2 to run, 1 unavailable (profile quick)", lines.get(3));
  }

  @Test
  void typesListsTheTypesAndOneTypesParamsAndOutputs() {
    CommandRun all = CommandRun.of("types");
    assertEquals(0, all.code());
    for (String type : List.of("forward-process", "blur-denoise", "sample", "diffusion-unet")) {
      assertTrue(all.out().lines().anyMatch(l -> l.startsWith(type + " ")), all.out());
    }
    CommandRun one = CommandRun.of("types", "forward-process");
    assertEquals(0, one.code(), one.err());
    assertTrue(
        one.out()
            .contains(
                "  num_train_timesteps  integer          1000                 2 to 100000"
                    + "            T of the cosine schedule"),
        one.out());
    assertTrue(
        one.out().contains("  image                text             \"images/rocket.png\""),
        one.out());
    assertTrue(one.out().contains("  noisy-t750.png  figure  x_t at t = 750"), one.out());
    CommandRun typo = CommandRun.of("types", "forward-proces");
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("did you mean 'forward-process'?"), typo.err());
  }

  @Test
  void paramsInAnOutputNameAreSubstitutedBeforeTheReferenceIsCheckedAndBadOnesAreLocated() {
    page("index.md", "![Last](exp:forward/noisy-t{{params:forward.timesteps.-1}}.png)\n");
    CommandRun good = build("--dry-run");
    assertEquals(0, good.code(), good.out() + good.err());

    page("index.md", "# Noise\n\n![Last](exp:forward/noisy-t{{params:forward.steps}}.png)\n");
    CommandRun bad = build("--dry-run");
    assertEquals(2, bad.code(), bad.out() + bad.err());
    assertTrue(
        bad.err().contains("index.md:3")
            && bad.err().contains("no 'steps' in the params of forward"),
        bad.err());
    assertNothingRan();

    page("index.md", "![Last](exp:forward/noisy-t{{params:forward.timesteps.0}}0.png)\n");
    CommandRun wrong = build("--dry-run");
    assertEquals(2, wrong.code(), wrong.out() + wrong.err());
    assertTrue(wrong.err().contains("has no output 'noisy-t1000.png'"), wrong.err());
  }
}
