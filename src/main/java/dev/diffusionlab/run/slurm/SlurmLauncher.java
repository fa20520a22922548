package dev.diffusionlab.run.slurm;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The Slurm commands the executor uses; tests put a fake cluster behind it. */
public interface SlurmLauncher {
  /**
   * Submits a batch script ({@code sbatch}).
   *
   * @param options sbatch's options, before the script
   * @return the new job's id
   * @throws SlurmException if sbatch refuses it, with sbatch's message
   */
  String submit(List<String> options, String script);

  /**
   * What Slurm knows about these jobs; a job it no longer knows is left out.
   *
   * @throws SlurmException if Slurm does not answer (then nothing is known of the jobs)
   */
  Map<String, JobInfo> query(Collection<String> jobIds);

  /** Cancels a job ({@code scancel}); a job that already ended is no error. */
  void cancel(String jobId);

  /** A Slurm command that failed, with its message. */
  final class SlurmException extends RuntimeException {
    public SlurmException(String message) {
      super(message);
    }
  }
}
