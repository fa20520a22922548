package dev.diffusionlab.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * What one experiment's cluster job asks the scheduler for; every field may be absent (null).
 *
 * @param gpus GPUs ({@code --gpus})
 * @param cpus CPUs of the one task ({@code --cpus-per-task})
 * @param mem memory, Slurm's syntax ({@code 16G}, {@code 500M}; {@code --mem})
 * @param time time limit, Slurm's syntax ({@code 90}, {@code 02:00:00}, {@code 1-12:00:00}; {@code
 *     --time})
 * @param partition the partition ({@code --partition})
 */
public record JobResources(Integer gpus, Integer cpus, String mem, String time, String partition) {
  /** Asks for nothing beyond the cluster's defaults. */
  public static final JobResources NONE = new JobResources(null, null, null, null, null);

  /** This one's fields, and {@code base}'s where this one has none. */
  public JobResources over(JobResources base) {
    return new JobResources(
        gpus != null ? gpus : base.gpus,
        cpus != null ? cpus : base.cpus,
        mem != null ? mem : base.mem,
        time != null ? time : base.time,
        partition != null ? partition : base.partition);
  }

  /** Whether the job asks for at least one GPU. */
  public boolean wantsGpu() {
    return gpus != null && gpus > 0;
  }

  /** The {@code sbatch} options that ask for these resources. */
  public List<String> sbatchOptions() {
    List<String> options = new ArrayList<>();
    if (gpus != null && gpus > 0) {
      options.add("--gpus=" + gpus);
    }
    if (cpus != null) {
      options.add("--cpus-per-task=" + cpus);
    }
    if (mem != null) {
      options.add("--mem=" + mem);
    }
    if (time != null) {
      options.add("--time=" + time);
    }
    if (partition != null) {
      options.add("--partition=" + partition);
    }
    return options;
  }
}
