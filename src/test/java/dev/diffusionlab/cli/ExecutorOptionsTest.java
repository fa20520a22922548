package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.build.BadOptionException;
import dev.diffusionlab.build.ExecutorChoice;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --executor}, {@code --no-wait}, {@code --sbatch-option} and the environment. */
class ExecutorOptionsTest {
  @TempDir Path dir;

  private static ExecutorOptions parse(String... args) {
    ExecutorOptions options = new ExecutorOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void localIsTheDefault() {
    assertEquals(ExecutorChoice.LOCAL, parse().choice(Map.of()));
  }

  @Test
  void sbatchOptionsComeFromTheEnvironmentThenTheCommandLine() {
    ExecutorChoice choice =
        parse("--executor", "slurm", "--no-wait", "--sbatch-option=--partition=gpu")
            .choice(Map.of(ExecutorOptions.SBATCH_OPTIONS_ENV, " --account=abc   --qos=low "));
    assertEquals(ExecutorChoice.Kind.SLURM, choice.kind());
    assertTrue(choice.noWait());
    assertEquals(List.of("--account=abc", "--qos=low", "--partition=gpu"), choice.sbatchOptions());
    assertTrue(choice.cudaJar().isEmpty());
  }

  @Test
  void slurmOptionsWithoutTheSlurmExecutorAreBadOptions() {
    BadOptionException e =
        assertThrows(BadOptionException.class, () -> parse("--no-wait").choice(Map.of()));
    assertEquals("--no-wait: only applies with --executor slurm", e.getMessage());
    e =
        assertThrows(
            BadOptionException.class,
            () -> parse("--executor", "slurm", "--sbatch-option", "gpu").choice(Map.of()));
    assertEquals(
        "--sbatch-option: 'gpu' is not an sbatch option; write it as --name=value (e.g."
            + " --account=abc)",
        e.getMessage());
    e =
        assertThrows(
            BadOptionException.class,
            () ->
                parse("--executor", "slurm")
                    .choice(
                        Map.of(ExecutorOptions.CUDA_JAR_ENV, dir.resolve("no.jar").toString())));
    assertEquals("--cuda-jar: " + dir.resolve("no.jar") + " is not a file", e.getMessage());
  }

  @Test
  void theCommandLineExitsWith2BeforeAnythingRuns() {
    CommandRun run = CommandRun.of("build", "--project", dir.toString(), "--no-wait");
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("--no-wait: only applies with --executor slurm"), run.err());
    CommandRun typo = CommandRun.of("build", "--project", dir.toString(), "--executor", "pbs");
    assertEquals(2, typo.code(), typo.err());
    assertTrue(typo.err().contains("local, slurm"), typo.err());
  }
}
