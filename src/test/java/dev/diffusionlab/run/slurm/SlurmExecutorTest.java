package dev.diffusionlab.run.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.JobResources;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.run.BuildOptions;
import dev.diffusionlab.run.BuildReport;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.ConsoleProgress;
import dev.diffusionlab.run.ExperimentResult;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.run.LocalExecutor;
import dev.diffusionlab.run.Plan;
import dev.diffusionlab.run.PlannedExperiment;
import dev.diffusionlab.run.Planner;
import dev.diffusionlab.run.ResultsStore;
import dev.diffusionlab.run.Runner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Slurm executor against a fake cluster: options, dependencies, states, faults, no-wait. */
class SlurmExecutorTest {
  private static final String CHAIN =
      """
      experiments:
        - id: up
          type: note
          params: {text: a}
        - id: down
          type: note
          params: {text: b, inputs: [up]}
          depends_on: [up]
        - id: side
          type: note
          params: {text: c}
      """;

  @TempDir Path project;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final ExperimentTypes types = new ExperimentTypes(List.of(new Note()));
  private Plan plan;

  /** Params of the note type. */
  record NoteParams(String text, List<String> inputs) {}

  /** Writes its text followed by its dependencies' notes. */
  static final class Note implements ExperimentType<NoteParams> {
    @Override
    public String name() {
      return "note";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<NoteParams> paramsType() {
      return NoteParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("text", "x", "inputs", List.of());
    }

    @Override
    public void run(NoteParams p, ExperimentContext ctx) throws Exception {
      StringBuilder text = new StringBuilder(p.text());
      for (String dep : p.inputs()) {
        text.append('<').append(Files.readString(ctx.dependency(dep).file("note.txt"))).append('>');
      }
      Files.writeString(ctx.output("note.txt", OutputKind.TABLE, "note"), text);
    }
  }

  /**
   * A cluster in memory: a job is pending on its first query, running on the second, and ends on
   * the third as its experiment's behaviour says ("ok" runs it in this process); a job whose
   * afterok dependency did not complete is cancelled, as --kill-on-invalid-dep=yes does.
   */
  final class FakeSlurm implements SlurmLauncher {
    final List<List<String>> submitted = new ArrayList<>();
    final List<String> scripts = new ArrayList<>();
    final Map<String, String> behaviour = new HashMap<>();
    final Map<String, JobInfo> jobs = new LinkedHashMap<>();
    final Map<String, String> experimentOf = new HashMap<>();
    final Map<String, List<String>> after = new HashMap<>();
    final Map<String, Integer> queries = new HashMap<>();
    final List<String> cancelled = new ArrayList<>();
    boolean killOnInvalidDep = true;
    int silentQueries;

    @Override
    public String submit(List<String> options, String script) {
      String id = String.valueOf(submitted.size() + 101);
      submitted.add(options);
      scripts.add(script);
      Matcher m = Pattern.compile("'--id' '([^']+)'").matcher(script);
      assertTrue(m.find(), script);
      experimentOf.put(id, m.group(1));
      List<String> deps = new ArrayList<>();
      for (String o : options) {
        if (o.startsWith("--dependency=afterok:")) {
          deps.addAll(List.of(o.substring("--dependency=afterok:".length()).split(":")));
        }
      }
      after.put(id, deps);
      jobs.put(id, new JobInfo(id, JobState.PENDING, "PENDING", "Priority", "", -1));
      return id;
    }

    @Override
    public Map<String, JobInfo> query(Collection<String> ids) {
      if (silentQueries > 0) {
        silentQueries--;
        throw new SlurmException("squeue failed: slurm_load_jobs error: Socket timed out");
      }
      Map<String, JobInfo> out = new LinkedHashMap<>();
      for (String id : ids) {
        JobInfo info = jobs.get(id);
        if (info != null && !info.state().finished()) {
          info = step(id);
        }
        if (info != null) {
          out.put(id, info);
        }
      }
      return out;
    }

    private JobInfo step(String id) {
      for (String dep : after.get(id)) {
        JobInfo d = jobs.get(dep);
        if (d.state().finished() && d.state() != JobState.COMPLETED) {
          return killOnInvalidDep
              ? put(id, JobState.CANCELLED, "CANCELLED", "DependencyNeverSatisfied", -1)
              : put(id, JobState.PENDING, "PENDING", "DependencyNeverSatisfied", -1);
        }
        if (d.state() != JobState.COMPLETED) {
          return put(id, JobState.PENDING, "PENDING", "Dependency", -1);
        }
      }
      int n = queries.merge(id, 1, Integer::sum);
      if (n == 1) {
        return put(id, JobState.PENDING, "PENDING", "Resources", -1);
      }
      if (n == 2) {
        return put(id, JobState.RUNNING, "RUNNING", "", -1);
      }
      String experiment = experimentOf.get(id);
      return switch (behaviour.getOrDefault(experiment, "ok")) {
        case "ok" -> {
          runInProcess(experiment);
          yield put(id, JobState.COMPLETED, "COMPLETED", "", 0);
        }
        case "fail" -> put(id, JobState.FAILED, "FAILED", "NonZeroExitCode", 1);
        case "timeout" -> put(id, JobState.TIMEOUT, "TIMEOUT", "TimeLimit", 0);
        case "killed" -> {
          JobInfo info = new JobInfo(id, JobState.FAILED, "FAILED", "JobLaunchFailure", "n1", 0, 9);
          jobs.put(id, info);
          yield info;
        }
        case "unavailable" -> {
          TestProjects.write(
              project.resolve("results/" + experiment + "/.slurm-" + id + ".log"),
              "loading\nunavailable: DeepFloyd's weights are not in the cache\n");
          yield put(id, JobState.FAILED, "FAILED", "NonZeroExitCode", 3);
        }
        case "vanish" -> {
          jobs.remove(id);
          yield null;
        }
        default -> throw new IllegalStateException(behaviour.get(experiment));
      };
    }

    private JobInfo put(String id, JobState state, String name, String reason, int exit) {
      JobInfo info =
          new JobInfo(id, state, name, reason, state == JobState.PENDING ? "" : "n1", exit);
      jobs.put(id, info);
      return info;
    }

    @Override
    public void cancel(String jobId) {
      cancelled.add(jobId);
      put(jobId, JobState.CANCELLED, "CANCELLED", "", -1);
    }
  }

  private final FakeSlurm slurm = new FakeSlurm();

  private ResultsStore store() {
    return new ResultsStore(project.resolve("results"));
  }

  private ConsoleProgress progress() {
    return new ConsoleProgress(new PrintStream(console, true, StandardCharsets.UTF_8), false, "");
  }

  /** What a job's run-one does, in this process. */
  private void runInProcess(String id) {
    PlannedExperiment e = plan.find(id).orElseThrow();
    Map<String, CacheEntry> deps = new HashMap<>();
    for (String dep : e.dependsOn()) {
      PlannedExperiment d = plan.find(dep).orElseThrow();
      deps.put(dep, store().check(d.id(), d.key()).entry().orElseThrow());
    }
    ExperimentResult r =
        new LocalExecutor(store(), project.resolve("content"), progress())
            .runOne("quick", e, deps, false);
    assertEquals(Outcome.RAN, r.outcome(), r.detail());
  }

  private BuildReport build(boolean noWait, Map<String, JobResources> resources) {
    Path file = TestProjects.write(project.resolve("content/manifest.yaml"), CHAIN);
    Manifest manifest = new ManifestParser(types.names()).parse(file);
    plan = new Planner(types, project.resolve("content")).plan(manifest, "quick");
    JobCommand command =
        new JobCommand(
            List.of("/jvm/bin/java", "-cp", "/app/lib/*", JobCommand.MAIN),
            Optional.of(List.of("/jvm/bin/java", "-jar", "/app/cuda.jar")),
            project,
            file);
    SlurmExecutor.Settings settings =
        new SlurmExecutor.Settings(
            command,
            e -> resources.getOrDefault(e.id(), JobResources.NONE),
            List.of("--account=abc"),
            noWait,
            Duration.ofMillis(1));
    SlurmExecutor executor =
        new SlurmExecutor(store(), project.resolve("content"), progress(), slurm, settings);
    return new Runner(store(), executor).build(plan, BuildOptions.all());
  }

  private static ExperimentResult result(BuildReport report, String id) {
    return report.results().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  private String out() {
    return console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachStaleExperimentIsOneJobWithItsDependenciesResourcesAndOptions() throws IOException {
    JobResources gpu = new JobResources(1, 4, "8G", "01:00:00", "gpu");
    BuildReport report = build(false, Map.of("down", gpu));

    assertEquals(3, slurm.submitted.size());
    Path results = project.resolve("results");
    assertEquals(
        List.of(
            "--job-name=dl-up",
            "--output=" + results.resolve("up/.slurm-%j.log"),
            "--chdir=" + project,
            "--account=abc"),
        slurm.submitted.get(0));
    assertEquals(
        List.of(
            "--job-name=dl-down",
            "--output=" + results.resolve("down/.slurm-%j.log"),
            "--chdir=" + project,
            "--dependency=afterok:101",
            "--kill-on-invalid-dep=yes",
            "--gpus=1",
            "--cpus-per-task=4",
            "--mem=8G",
            "--time=01:00:00",
            "--partition=gpu",
            "--account=abc"),
        slurm.submitted.get(1));
    assertFalse(String.join(" ", slurm.submitted.get(2)).contains("--dependency"));

    String key = plan.find("down").orElseThrow().key().hash();
    assertEquals(
        "#!/bin/sh\n"
            + "# diffusion-lab: down (note)\n"
            + "cd '"
            + project
            + "' || exit 1\n"
            + "exec '/jvm/bin/java' '-jar' '/app/cuda.jar' 'run-one' '--project' '"
            + project
            + "' '--manifest' '"
            + project.resolve("content/manifest.yaml")
            + "' '--profile' 'quick' '--id' 'down' '--key' '"
            + key
            + "'\n",
        slurm.scripts.get(1),
        "the GPU job runs the CUDA build");
    assertTrue(slurm.scripts.get(0).contains("'/jvm/bin/java' '-cp' '/app/lib/*'"));

    assertFalse(report.failed());
    for (String id : List.of("up", "down", "side")) {
      assertEquals(Outcome.RAN, result(report, id).outcome(), id);
    }
    assertEquals(
        "b<a>",
        Files.readString(result(report, "down").entry().orElseThrow().dir().resolve("note.txt")));
    assertTrue(out().contains("down: Slurm job 102 pending (Dependency)"), out());
    assertTrue(out().contains("up: Slurm job 101 running on n1"), out());
    assertTrue(out().contains("up: Slurm job 101 done"), out());
    assertFalse(hasJobRecords(), "records of ended jobs are removed");

    BuildReport again = build(false, Map.of());
    assertEquals(3, slurm.submitted.size(), "nothing stale, nothing submitted");
    assertEquals(3, again.count(Outcome.CACHED));
  }

  @Test
  void failedAndTimedOutJobsReportTheirReasonAndLogAndTheirDependentsDoNotRun() {
    slurm.behaviour.put("up", "fail");
    slurm.behaviour.put("side", "timeout");
    BuildReport report = build(false, Map.of());

    assertTrue(report.failed());
    assertEquals(
        "failed: Slurm job 101 ended FAILED with exit code 1 (NonZeroExitCode);"
            + " log: results/up/.slurm-101.log",
        result(report, "up").detail());
    assertEquals(Outcome.SKIPPED, result(report, "down").outcome());
    assertEquals("skipped: dependency up failed", result(report, "down").detail());
    assertEquals(
        "failed: Slurm job 103 ended TIMEOUT (TimeLimit); log: results/side/.slurm-103.log",
        result(report, "side").detail());
    assertTrue(report.entries().isEmpty());
    assertTrue(
        out()
            .contains(
                "FAILED: Slurm job 101 ended FAILED with exit code 1 (NonZeroExitCode); log: "
                    + project.resolve("results/up/.slurm-101.log")),
        "the console names the log's full path: " + out());

    // The next build resubmits only what is missing: all three, none of them cached.
    slurm.behaviour.clear();
    BuildReport next = build(false, Map.of());
    assertEquals(6, slurm.submitted.size());
    assertFalse(next.failed());
  }

  @Test
  void aJobKilledByASignalSaysSo() {
    slurm.behaviour.put("side", "killed");
    BuildReport report = build(false, Map.of());
    assertEquals(
        "failed: Slurm job 103 ended FAILED, killed by signal 9 (JobLaunchFailure);"
            + " log: results/side/.slurm-103.log",
        result(report, "side").detail());
  }

  @Test
  void anUnavailableResourceIsNotAFailureAndItsDependentsAreUnavailableToo() {
    slurm.behaviour.put("up", "unavailable");
    BuildReport report = build(false, Map.of());
    assertFalse(report.failed());
    assertEquals(Outcome.UNAVAILABLE, result(report, "up").outcome());
    assertEquals("DeepFloyd's weights are not in the cache", result(report, "up").detail());
    assertEquals(Outcome.UNAVAILABLE, result(report, "down").outcome());
    assertEquals(Outcome.RAN, result(report, "side").outcome());
  }

  @Test
  void aJobSlurmForgetsWithoutAnEntryFails() {
    slurm.behaviour.put("side", "vanish");
    BuildReport report = build(false, Map.of());
    assertEquals(
        "failed: Slurm job 103 is no longer known to Slurm and left no entry;"
            + " log: results/side/.slurm-103.log",
        result(report, "side").detail());
  }

  @Test
  void noWaitSubmitsAndALaterBuildFollowsTheJobsInsteadOfSubmittingAgain() {
    BuildReport submitted = build(true, Map.of());
    assertEquals(3, slurm.submitted.size());
    assertFalse(submitted.failed());
    assertEquals(3, submitted.count(Outcome.SUBMITTED));
    assertEquals(
        "running as Slurm job 101 (log: results/up/.slurm-101.log)",
        result(submitted, "up").detail());
    assertTrue(hasJobRecords());

    BuildReport later = build(false, Map.of());
    assertEquals(3, slurm.submitted.size(), "no job submitted twice");
    assertTrue(out().contains("up: running as Slurm job 101 (submitted before)"), out());
    assertEquals(3, later.count(Outcome.RAN));
    assertEquals(List.of("up", "down", "side"), List.copyOf(later.entries().keySet()));
    assertFalse(hasJobRecords());
  }

  @Test
  void aJobLeftWaitingForAFailedDependencyIsCancelledAndSubmittedAgain() {
    build(true, Map.of());
    slurm.jobs.put("101", new JobInfo("101", JobState.FAILED, "FAILED", "", "n1", 1));
    slurm.killOnInvalidDep = false; // as a cluster that keeps such jobs pending does

    BuildReport later = build(false, Map.of());
    assertEquals(List.of("102"), slurm.cancelled, "down's old job would wait for ever");
    assertEquals(5, slurm.submitted.size(), "up and down again, side followed");
    assertTrue(
        slurm.submitted.get(4).contains("--dependency=afterok:104"), slurm.submitted.toString());
    assertEquals(3, later.count(Outcome.RAN));
  }

  @Test
  void aControllerThatDoesNotAnswerForAWhileFailsNothing() {
    slurm.silentQueries = 3;
    BuildReport report = build(false, Map.of());
    assertFalse(report.failed());
    assertEquals(3, report.count(Outcome.RAN));
    assertEquals(1, out().split("squeue failed", -1).length - 1, "said once: " + out());
    assertTrue(out().contains("Slurm answers again"), out());
  }

  @Test
  void aLinkWhereAJobLogGoesIsRefusedBeforeSubmitting(@TempDir Path outside) throws IOException {
    Files.createDirectories(project.resolve("results/side"));
    Files.createSymbolicLink(project.resolve("results/side/.slurm-103.log"), outside.resolve("x"));
    BuildReport report = build(false, Map.of());
    assertEquals(2, slurm.submitted.size(), "side is not submitted");
    assertEquals(
        "failed: results/side/.slurm-103.log is a symbolic link; the cache holds none: remove it",
        result(report, "side").detail());
    assertFalse(Files.exists(outside.resolve("x")));
  }

  private boolean hasJobRecords() {
    try (Stream<Path> files = Files.walk(project.resolve("results"))) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith(".job-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
