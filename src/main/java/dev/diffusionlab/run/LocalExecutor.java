package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.util.FileTrees;
import dev.diffusionlab.util.Machine;
import dev.diffusionlab.util.ResourceUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs experiments in this process, one after the other in dependency order, each under its entry's
 * lock. An experiment that fails leaves no entry; the ones that do not depend on it still run, and
 * every finished entry is kept. Also runs the single experiment of a cluster job.
 */
public final class LocalExecutor implements Executor {
  private static final int MAX_REASON = 120;
  // An absolute path (group 1 its folders, group 2 its last part), as Unix or Windows writes it.
  private static final Pattern ABSOLUTE_PATH =
      Pattern.compile(
          "(?<![\\w.])((?:[A-Za-z]:)?(?:[/\\\\][^/\\\\\\s:'\"]+)*[/\\\\])([^/\\\\\\s:'\"]+)");
  private final ResultsStore store;
  private final Path contentDir;
  private final ConsoleProgress console;
  private final EntryLock.Timing timing;

  public LocalExecutor(ResultsStore store, Path contentDir, ConsoleProgress console) {
    this(store, contentDir, console, EntryLock.Timing.DEFAULT);
  }

  /** An executor whose entry locks beat and go stale as {@code timing} says. */
  public LocalExecutor(
      ResultsStore store, Path contentDir, ConsoleProgress console, EntryLock.Timing timing) {
    this.store = store;
    this.contentDir = contentDir;
    this.console = console;
    this.timing = timing;
  }

  @Override
  public BuildReport execute(Work work) {
    List<ExperimentResult> results = new ArrayList<>();
    Map<String, CacheEntry> finished = new HashMap<>();
    Set<String> broken = new LinkedHashSet<>();
    Map<String, String> unavailable = new HashMap<>();
    int index = 0;
    int runCount = work.toRun().size();
    for (PlannedExperiment e : work.selected()) {
      String reason = work.toRun().get(e.id());
      if (reason == null) {
        finished.put(e.id(), work.states().get(e.id()).entry().orElseThrow());
        results.add(work.cached(e));
        continue;
      }
      index++;
      List<String> unavailableDeps =
          e.dependsOn().stream().filter(unavailable::containsKey).toList();
      if (!unavailableDeps.isEmpty()) {
        String detail = unavailable.get(unavailableDeps.get(0));
        unavailable.put(e.id(), detail);
        results.add(new ExperimentResult(e.id(), Outcome.UNAVAILABLE, detail, Optional.empty(), 0));
        continue;
      }
      List<String> failedDeps = e.dependsOn().stream().filter(broken::contains).toList();
      if (!failedDeps.isEmpty()) {
        broken.add(e.id());
        String detail = "skipped: dependency " + String.join(", ", failedDeps) + " failed";
        console.log(String.format(Locale.ROOT, "[%d/%d] %s %s", index, runCount, e.id(), detail));
        results.add(new ExperimentResult(e.id(), Outcome.SKIPPED, detail, Optional.empty(), 0));
        continue;
      }
      console.log(
          String.format(
              Locale.ROOT,
              "[%d/%d] %s (%s): %s",
              index,
              runCount,
              e.id(),
              e.type().name(),
              reason));
      Map<String, CacheEntry> deps = new HashMap<>();
      e.dependsOn().forEach(d -> deps.put(d, finished.get(d)));
      ExperimentResult result = runOne(work.profile(), e, deps, reason.equals("forced"));
      results.add(result);
      if (result.entry().isPresent()) {
        finished.put(e.id(), result.entry().get());
      } else if (result.outcome() == Outcome.UNAVAILABLE) {
        // Several experiments often miss the same thing (DeepFloyd's weights): say it once.
        boolean first = !unavailable.containsValue(result.detail());
        console.log(
            "  " + e.id() + ": not available" + (first ? ": " + result.detail() : " (as above)"));
        unavailable.put(e.id(), result.detail());
      } else {
        broken.add(e.id());
      }
    }
    return new BuildReport(work.profile(), results);
  }

  /**
   * Runs one experiment into the cache under its entry's lock, waiting while another process
   * computes it; if that process finished it meanwhile (and {@code forced} is false), its entry is
   * taken as cached.
   *
   * @param deps the finished entries of its dependencies, by id
   */
  public ExperimentResult runOne(
      String profile, PlannedExperiment e, Map<String, CacheEntry> deps, boolean forced) {
    Path lockFile = EntryLock.fileFor(store.idDir(e.id()), e.key());
    try (EntryLock lock =
        EntryLock.await(
            lockFile,
            timing,
            holder -> console.log("  " + e.id() + ": waiting for " + holder.describe()))) {
      if (!forced) {
        EntryState now = store.check(e.id(), e.key());
        if (now.condition() == EntryState.Condition.COMPLETE) {
          console.log("  " + e.id() + ": computed meanwhile by another build");
          return new ExperimentResult(
              e.id(), Outcome.CACHED, "computed by another build", now.entry(), 0);
        }
      }
      return runLocked(profile, e, deps);
    }
  }

  private ExperimentResult runLocked(
      String profile, PlannedExperiment e, Map<String, CacheEntry> deps) {
    Path work = store.workDir(e.id(), e.key());
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    try {
      store.prepareWork(e.id(), e.key(), e.type().resumable());
      RunContext context =
          new RunContext(
              e, profile, work, contentDir, deps, console.withPrefix("  " + e.id() + ": "));
      invoke(e.type(), e.params(), context);
      double seconds = (System.nanoTime() - t0) / 1e9;
      CacheEntry entry =
          store.commit(
              e.id(), e.key(), work, context.outputs(), provenance(e, profile, started, seconds));
      Files.deleteIfExists(store.errorLog(e.id()));
      console.log(
          String.format(
              Locale.ROOT,
              "  %s: done in %s, %d outputs",
              e.id(),
              ConsoleProgress.duration(seconds),
              entry.outputs().size()));
      return new ExperimentResult(e.id(), Outcome.RAN, "ran", Optional.of(entry), seconds);
    } catch (ResourceUnavailableException absent) {
      cleanUpAfterFailure(e, work);
      return new ExperimentResult(
          e.id(), Outcome.UNAVAILABLE, absent.getMessage(), Optional.empty(), 0);
    } catch (Exception | LinkageError | OutOfMemoryError | StackOverflowError failure) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
      Path log = writeErrorLog(e, failure);
      cleanUpAfterFailure(e, work);
      console.log(
          "  " + e.id() + ": FAILED: " + message + (log == null ? "" : " (details: " + log + ")"));
      return new ExperimentResult(
          e.id(), Outcome.FAILED, publishedReason(message, log), Optional.empty(), seconds);
    }
  }

  private static <P extends Record> void invoke(
      ExperimentType<P> type, Record params, RunContext context) throws Exception {
    type.run(type.paramsType().cast(params), context);
  }

  /** A resumable type keeps its work folder so the next build resumes; others leave nothing. */
  private void cleanUpAfterFailure(PlannedExperiment e, Path work) {
    if (e.type().resumable()) {
      return;
    }
    try {
      FileTrees.deleteTree(work);
    } catch (IOException cleanup) {
      console.log("  " + e.id() + ": could not remove " + work + ": " + cleanup.getMessage());
    }
  }

  /**
   * What the report says about a failure: the first line of the message with absolute paths cut to
   * their file names, shortened; the full message and stack trace stay in the local log.
   */
  static String publishedReason(String message, Path log) {
    String line = message.lines().findFirst().orElse("").strip();
    line = ABSOLUTE_PATH.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(2)));
    if (line.length() > MAX_REASON) {
      line = line.substring(0, MAX_REASON - 1).strip() + "…";
    }
    String where =
        log == null
            ? ""
            : " (details in results/"
                + log.getParent().getFileName()
                + "/"
                + log.getFileName()
                + ")";
    return "failed: " + line + where;
  }

  private Path writeErrorLog(PlannedExperiment e, Throwable failure) {
    Path log = store.errorLog(e.id());
    try {
      Files.createDirectories(log.getParent());
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      Files.writeString(log, trace.toString());
      return log;
    } catch (IOException io) {
      console.log("  " + e.id() + ": could not write " + log + ": " + io.getMessage());
      return null;
    }
  }

  private ObjectNode provenance(
      PlannedExperiment e, String profile, Instant started, double seconds) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", e.id());
    node.put("type", e.type().name());
    node.put("codeVersion", e.type().codeVersion());
    node.put("key", e.key().hash());
    node.put("seed", e.spec().seed());
    node.put("profile", profile);
    node.set("params", e.canonicalParams());
    node.set("keyMaterial", e.key().material());
    node.put("started", started.toString());
    node.put("finished", Instant.now().toString());
    node.put("wallSeconds", Math.round(seconds * 1000) / 1000.0);
    node.set("versions", Machine.versions(Machine.engineVersion()));
    node.set("machine", Machine.describe());
    // Inside a Slurm job the job's id and node are recorded; elsewhere the run was local.
    String job = System.getenv("SLURM_JOB_ID");
    if (job != null && !job.isBlank()) {
      node.put("executor", "slurm");
      node.put("jobId", job);
      node.put("node", Optional.ofNullable(System.getenv("SLURMD_NODENAME")).orElse(""));
    } else {
      node.put("executor", "local");
    }
    // The project's commit (the project folder holds results/); uncommitted edits are not seen.
    Optional.ofNullable(store.root().toAbsolutePath().getParent())
        .flatMap(Machine::gitCommit)
        .ifPresent(commit -> node.put("commit", commit));
    return node;
  }
}
