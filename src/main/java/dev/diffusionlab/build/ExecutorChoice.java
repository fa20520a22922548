package dev.diffusionlab.build;

import dev.diffusionlab.run.slurm.CommandLauncher;
import dev.diffusionlab.run.slurm.SlurmLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a build runs the experiments the cache lacks: in this process, or as Slurm jobs.
 *
 * @param noWait submit the jobs and return (Slurm only)
 * @param sbatchOptions further sbatch options for every job
 * @param cudaJar the CUDA build's jar, for jobs that ask for GPUs
 * @param slurm the Slurm commands (a fake cluster in tests)
 * @param poll how often job states are read
 */
public record ExecutorChoice(
    Kind kind,
    boolean noWait,
    List<String> sbatchOptions,
    Optional<Path> cudaJar,
    SlurmLauncher slurm,
    Duration poll) {
  /** The executors. */
  public enum Kind {
    /** In this process, one experiment after the other. */
    LOCAL,
    /** One Slurm job per experiment. */
    SLURM
  }

  /** In this process. */
  public static final ExecutorChoice LOCAL =
      new ExecutorChoice(Kind.LOCAL, false, List.of(), Optional.empty(), null, Duration.ZERO);

  public ExecutorChoice {
    sbatchOptions = List.copyOf(sbatchOptions);
  }

  /** Slurm through its real commands, polled every 5 s. */
  public static ExecutorChoice slurm(
      boolean noWait, List<String> sbatchOptions, Optional<Path> cudaJar) {
    return new ExecutorChoice(
        Kind.SLURM, noWait, sbatchOptions, cudaJar, new CommandLauncher(), Duration.ofSeconds(5));
  }
}
