package dev.diffusionlab.cli;

import dev.diffusionlab.build.BadOptionException;
import dev.diffusionlab.build.ExecutorChoice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where experiments run: {@code --executor local|slurm} and the Slurm executor's options. */
final class ExecutorOptions {
  /** Extra sbatch options for every job, split at white space, before those of the command line. */
  static final String SBATCH_OPTIONS_ENV = "DIFFUSION_LAB_SBATCH_OPTIONS";

  /** The CUDA build's jar for jobs that ask for GPUs, unless {@code --cuda-jar} is given. */
  static final String CUDA_JAR_ENV = "DIFFUSION_LAB_CUDA_JAR";

  /** The executors, as the option spells them. */
  enum Kind {
    local,
    slurm
  }

  @Option(
      names = "--executor",
      paramLabel = "NAME",
      defaultValue = "local",
      description =
          "Where experiments run: local (in this process, the default) or slurm (one sbatch job"
              + " each, on a file system the nodes share).")
  Kind executor;

  @Option(
      names = "--no-wait",
      description =
          "With --executor slurm: submit the jobs and return; a later build follows them and"
              + " renders what has finished.")
  boolean noWait;

  @Option(
      names = "--sbatch-option",
      paramLabel = "ARG",
      description =
          "With --executor slurm: an sbatch option for every job (repeatable), e.g."
              + " --sbatch-option=--account=abc; also from $"
              + SBATCH_OPTIONS_ENV
              + ".")
  List<String> sbatchOptions = new ArrayList<>();

  @Option(
      names = "--cuda-jar",
      paramLabel = "JAR",
      description =
          "With --executor slurm: the jar built with -Pcuda, run by jobs that ask for GPUs"
              + " (default: $"
              + CUDA_JAR_ENV
              + ").")
  Path cudaJar;

  /**
   * The executor these options ask for.
   *
   * @throws BadOptionException for a Slurm option without {@code --executor slurm}
   */
  ExecutorChoice choice(Map<String, String> env) {
    if (executor == Kind.local) {
      for (String option : List.of("--no-wait", "--sbatch-option", "--cuda-jar")) {
        boolean given =
            switch (option) {
              case "--no-wait" -> noWait;
              case "--sbatch-option" -> !sbatchOptions.isEmpty();
              default -> cudaJar != null;
            };
        if (given) {
          throw new BadOptionException(option, "only applies with --executor slurm");
        }
      }
      return ExecutorChoice.LOCAL;
    }
    List<String> options = new ArrayList<>();
    String fromEnv = env.getOrDefault(SBATCH_OPTIONS_ENV, "").strip();
    if (!fromEnv.isEmpty()) {
      options.addAll(List.of(fromEnv.split("\\s+")));
    }
    options.addAll(sbatchOptions);
    for (String option : options) {
      if (!option.startsWith("-")) {
        throw new BadOptionException(
            "--sbatch-option",
            "'"
                + option
                + "' is not an sbatch option; write it as --name=value (e.g. --account=abc)");
      }
    }
    Optional<Path> jar =
        Optional.ofNullable(cudaJar)
            .or(
                () ->
                    Optional.ofNullable(env.get(CUDA_JAR_ENV))
                        .filter(s -> !s.isBlank())
                        .map(Path::of));
    if (jar.isPresent() && !java.nio.file.Files.isRegularFile(jar.get())) {
      throw new BadOptionException("--cuda-jar", jar.get() + " is not a file");
    }
    return ExecutorChoice.slurm(noWait, options, jar);
  }
}
