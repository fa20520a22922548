package dev.diffusionlab.run.slurm;

import dev.diffusionlab.manifest.JobResources;
import dev.diffusionlab.run.BuildReport;
import dev.diffusionlab.run.ConsoleProgress;
import dev.diffusionlab.run.EntryState;
import dev.diffusionlab.run.Executor;
import dev.diffusionlab.run.ExperimentResult;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.run.PlannedExperiment;
import dev.diffusionlab.run.ResultsStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs each experiment the cache lacks as one Slurm job: the job runs this program's {@code
 * run-one} for that experiment on the same project folder, which must be on a file system the nodes
 * share; the cache's per-entry locks keep jobs and builds from computing a key twice. A job waits
 * for its dependencies' jobs ({@code --dependency=afterok:}, {@code --kill-on-invalid-dep=yes}).
 * The executor then follows the jobs until all have ended, or, with {@code noWait}, returns at
 * once; a later build follows jobs still in flight instead of submitting them again.
 */
public final class SlurmExecutor implements Executor {
  /** The exit code of {@code run-one} when an external resource is absent. */
  public static final int EXIT_UNAVAILABLE = 3;

  private final ResultsStore store;
  private final Path contentDir;
  private final ConsoleProgress console;
  private final SlurmLauncher slurm;
  private final Settings settings;

  /**
   * How jobs are submitted and followed.
   *
   * @param command how a job runs the program
   * @param resources the resources each experiment's job asks for (from the manifest's profile)
   * @param extraOptions further sbatch options for every job, after the resources (so they win)
   * @param noWait return once everything is submitted
   * @param poll how often job states are read while waiting
   */
  public record Settings(
      JobCommand command,
      Function<PlannedExperiment, JobResources> resources,
      List<String> extraOptions,
      boolean noWait,
      Duration poll) {
    public Settings {
      extraOptions = List.copyOf(extraOptions);
    }
  }

  public SlurmExecutor(
      ResultsStore store,
      Path contentDir,
      ConsoleProgress console,
      SlurmLauncher slurm,
      Settings settings) {
    this.store = store;
    this.contentDir = contentDir;
    this.console = console;
    this.slurm = slurm;
    this.settings = settings;
  }

  /** One experiment's job in this build. */
  private record Job(PlannedExperiment experiment, String id, Path log, String lastState) {
    Job withState(String state) {
      return new Job(experiment, id, log, state);
    }
  }

  @Override
  public BuildReport execute(Work work) {
    Map<String, ExperimentResult> results = new LinkedHashMap<>();
    Map<String, Job> jobs = new LinkedHashMap<>();
    for (PlannedExperiment e : work.selected()) {
      String reason = work.toRun().get(e.id());
      if (reason == null) {
        results.put(e.id(), work.cached(e));
        continue;
      }
      Optional<ExperimentResult> blocked = blockedByDependency(e, results);
      if (blocked.isPresent()) {
        results.put(e.id(), blocked.get());
        continue;
      }
      Optional<String> absent = e.unavailable(contentDir);
      if (absent.isPresent()) {
        results.put(e.id(), result(e, Outcome.UNAVAILABLE, absent.get()));
        continue;
      }
      Optional<Job> inFlight = inFlight(e);
      if (inFlight.isPresent()) {
        console.log(
            "  "
                + e.id()
                + ": running as Slurm job "
                + inFlight.get().id()
                + " (submitted before)");
        jobs.put(e.id(), inFlight.get());
        continue;
      }
      try {
        Job job = submit(work.profile(), e, jobs, reason.equals("forced"));
        console.log(
            "  " + e.id() + " (" + e.type().name() + "): " + reason + ": Slurm job " + job.id());
        jobs.put(e.id(), job);
      } catch (SlurmLauncher.SlurmException refused) {
        console.log("  " + e.id() + ": FAILED: " + refused.getMessage());
        results.put(e.id(), result(e, Outcome.FAILED, "failed: " + refused.getMessage()));
      }
    }
    if (settings.noWait()) {
      jobs.values().forEach(job -> results.put(job.experiment().id(), stillRunning(job)));
      if (!jobs.isEmpty()) {
        console.log(
            jobs.size()
                + " Slurm job"
                + (jobs.size() == 1 ? "" : "s")
                + " submitted; build again to render their results when they have ended");
      }
    } else {
      follow(jobs, results);
    }
    List<ExperimentResult> ordered = new ArrayList<>();
    for (PlannedExperiment e : work.selected()) {
      ordered.add(results.get(e.id()));
    }
    return new BuildReport(work.profile(), ordered);
  }

  /** A result without an entry for a dependency that failed or is unavailable. */
  private static Optional<ExperimentResult> blockedByDependency(
      PlannedExperiment e, Map<String, ExperimentResult> results) {
    List<String> failed = new ArrayList<>();
    for (String dep : e.dependsOn()) {
      ExperimentResult r = results.get(dep);
      if (r == null) {
        continue;
      }
      if (r.outcome() == Outcome.UNAVAILABLE) {
        return Optional.of(result(e, Outcome.UNAVAILABLE, r.detail()));
      }
      if (r.outcome() == Outcome.FAILED || r.outcome() == Outcome.SKIPPED) {
        failed.add(dep);
      }
    }
    return failed.isEmpty()
        ? Optional.empty()
        : Optional.of(
            result(
                e,
                Outcome.SKIPPED,
                "skipped: dependency " + String.join(", ", failed) + " failed"));
  }

  /** A job an earlier build submitted for this entry that has not ended. */
  private Optional<Job> inFlight(PlannedExperiment e) {
    Path file = JobRecord.fileFor(store.idDir(e.id()), e.key());
    Optional<JobRecord> record = JobRecord.read(file);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    JobInfo info = slurm.query(List.of(record.get().jobId())).get(record.get().jobId());
    if (info != null && !info.state().finished() && info.dependencyNeverSatisfied()) {
      slurm.cancel(info.id()); // it would wait for ever; submitted again below
    }
    if (info == null || info.state().finished() || info.dependencyNeverSatisfied()) {
      JobRecord.delete(file);
      return Optional.empty();
    }
    return Optional.of(new Job(e, record.get().jobId(), record.get().log(), ""));
  }

  private Job submit(String profile, PlannedExperiment e, Map<String, Job> jobs, boolean force) {
    JobResources resources = settings.resources().apply(e);
    Path log = store.idDir(e.id()).resolve(".slurm-%j.log");
    try {
      Files.createDirectories(log.getParent());
      // Slurm opens the log by name: a link planted where it goes would be written through.
      try (Stream<Path> files = Files.list(log.getParent())) {
        Optional<Path> link =
            files
                .filter(f -> f.getFileName().toString().startsWith(".slurm-"))
                .filter(Files::isSymbolicLink)
                .findFirst();
        if (link.isPresent()) {
          throw new SlurmLauncher.SlurmException(
              shown(link.get()) + " is a symbolic link; the cache holds none: remove it");
        }
      }
    } catch (IOException io) {
      throw new SlurmLauncher.SlurmException("cannot create " + log.getParent() + ": " + io);
    }
    List<String> options = new ArrayList<>();
    options.add("--job-name=dl-" + e.id());
    options.add("--output=" + log);
    options.add("--chdir=" + settings.command().project());
    List<String> after = new ArrayList<>();
    for (String dep : e.dependsOn()) {
      Job depJob = jobs.get(dep);
      if (depJob != null) {
        after.add(depJob.id());
      }
    }
    if (!after.isEmpty()) {
      options.add("--dependency=afterok:" + String.join(":", after));
      options.add("--kill-on-invalid-dep=yes");
    }
    options.addAll(resources.sbatchOptions());
    options.addAll(settings.extraOptions());
    List<String> command =
        settings.command().runOne(profile, e.id(), e.key().hash(), resources.wantsGpu(), force);
    String script =
        settings
            .command()
            .script(command, "diffusion-lab: " + e.id() + " (" + e.type().name() + ")");
    String jobId = slurm.submit(options, script);
    Path jobLog = JobRecord.logFor(log.getParent(), jobId);
    new JobRecord(jobId, jobLog, Instant.now())
        .write(JobRecord.fileFor(store.idDir(e.id()), e.key()));
    return new Job(e, jobId, jobLog, "");
  }

  /** Follows the jobs until each has ended, printing every change of state. */
  private void follow(Map<String, Job> jobs, Map<String, ExperimentResult> results) {
    Map<String, Job> pending = new LinkedHashMap<>(jobs);
    boolean silent = false;
    while (!pending.isEmpty()) {
      Map<String, String> byJob = new HashMap<>();
      pending.values().forEach(j -> byJob.put(j.id(), j.experiment().id()));
      Map<String, JobInfo> infos;
      try {
        infos = slurm.query(byJob.keySet());
        if (silent) {
          console.log("  Slurm answers again");
        }
        silent = false;
      } catch (SlurmLauncher.SlurmException noAnswer) {
        if (!silent) {
          console.log("  " + noAnswer.getMessage() + "; asking again");
        }
        silent = true;
        if (!pause()) {
          pending.values().forEach(job -> results.put(job.experiment().id(), stillRunning(job)));
          return;
        }
        continue;
      }
      // Dependency order: a job's dependencies are settled before it in the same round.
      for (Job job : new ArrayList<>(pending.values())) {
        PlannedExperiment e = job.experiment();
        JobInfo info = infos.get(job.id());
        Optional<ExperimentResult> blocked = blockedByDependency(e, results);
        if (blocked.isPresent()) {
          if (info != null && !info.state().finished()) {
            slurm.cancel(job.id());
          }
          console.log("  " + e.id() + ": " + blocked.get().detail());
          settle(job, blocked.get(), results, pending);
          continue;
        }
        if (info == null) {
          settle(job, ended(job, null), results, pending);
          continue;
        }
        if (!info.state().finished() && info.dependencyNeverSatisfied()) {
          slurm.cancel(job.id()); // a dependency ended without an entry: it would wait for ever
          ExperimentResult skipped =
              result(e, Outcome.SKIPPED, "skipped: a dependency's job did not succeed");
          console.log("  " + e.id() + ": " + skipped.detail());
          settle(job, skipped, results, pending);
          continue;
        }
        String state = describe(info);
        if (!state.equals(job.lastState())) {
          console.log("  " + e.id() + ": Slurm job " + job.id() + " " + state);
          pending.put(e.id(), job.withState(state));
        }
        if (info.state().finished()) {
          settle(job, ended(job, info), results, pending);
        }
      }
      if (!pending.isEmpty() && !pause()) {
        pending.values().forEach(job -> results.put(job.experiment().id(), stillRunning(job)));
        return;
      }
    }
  }

  /** Waits one poll interval; false when interrupted (the jobs keep running). */
  private boolean pause() {
    try {
      Thread.sleep(settings.poll().toMillis());
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The result of a job that had not ended when the build returned. */
  private ExperimentResult stillRunning(Job job) {
    return result(
        job.experiment(),
        Outcome.SUBMITTED,
        "running as Slurm job " + job.id() + " (log: " + shown(job.log()) + ")");
  }

  private void settle(
      Job job,
      ExperimentResult result,
      Map<String, ExperimentResult> results,
      Map<String, Job> pending) {
    PlannedExperiment e = job.experiment();
    results.put(e.id(), result);
    pending.remove(e.id());
    JobRecord.delete(JobRecord.fileFor(store.idDir(e.id()), e.key()));
  }

  private static String describe(JobInfo info) {
    return switch (info.state()) {
      case PENDING -> "pending" + (info.reason().isEmpty() ? "" : " (" + info.reason() + ")");
      case RUNNING -> "running" + (info.node().isEmpty() ? "" : " on " + info.node());
      case COMPLETED -> "done";
      default -> info.slurmState();
    };
  }

  /** What an ended job (or one Slurm no longer knows, {@code info} null) left. */
  private ExperimentResult ended(Job job, JobInfo info) {
    PlannedExperiment e = job.experiment();
    EntryState state = store.check(e.id(), e.key());
    if (state.usableForReport() && (info == null || info.state() == JobState.COMPLETED)) {
      return new ExperimentResult(
          e.id(), Outcome.RAN, "ran as Slurm job " + job.id(), state.entry(), 0);
    }
    if (info != null && info.exitCode() == EXIT_UNAVAILABLE) {
      String why =
          lastLine(job.log(), "unavailable: ").orElse("unavailable (see " + shown(job.log()) + ")");
      console.log("  " + e.id() + ": not available: " + why);
      return result(e, Outcome.UNAVAILABLE, why);
    }
    String how =
        info == null
            ? "is no longer known to Slurm and left no entry"
            : "ended "
                + info.slurmState()
                + (info.exitCode() > 0 ? " with exit code " + info.exitCode() : "")
                + (info.signal() > 0 ? ", killed by signal " + info.signal() : "")
                + (info.reason().isEmpty() ? "" : " (" + info.reason() + ")");
    if (info != null && info.state() == JobState.COMPLETED) {
      how = "completed but left no entry";
    }
    String detail = "failed: Slurm job " + job.id() + " " + how + "; log: " + shown(job.log());
    console.log(
        "  " + e.id() + ": FAILED: Slurm job " + job.id() + " " + how + "; log: " + job.log());
    return result(e, Outcome.FAILED, detail);
  }

  /** The last line of a log that starts with {@code prefix}, without it. */
  private static Optional<String> lastLine(Path log, String prefix) {
    try {
      if (!Files.isRegularFile(log, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty(); // absent, or a link: nothing is read through one
      }
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith(prefix))
          .reduce((a, b) -> b)
          .map(l -> l.substring(prefix.length()).strip());
    } catch (IOException | java.io.UncheckedIOException unreadable) {
      return Optional.empty();
    }
  }

  /** A log's path as the report may show it: relative to the project. */
  private String shown(Path log) {
    Path project = settings.command().project();
    return log.startsWith(project) ? project.relativize(log).toString() : log.toString();
  }

  private static ExperimentResult result(PlannedExperiment e, Outcome outcome, String detail) {
    return new ExperimentResult(e.id(), outcome, detail, Optional.empty(), 0);
  }
}
