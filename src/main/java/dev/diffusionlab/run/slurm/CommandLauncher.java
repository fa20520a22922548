package dev.diffusionlab.run.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Slurm commands: {@code sbatch --parsable} with the script on its input, {@code squeue}
 * for the states of the jobs it still lists, then {@code scontrol show job} (exit code, reason) and
 * {@code sacct} (where accounting is on) for the others.
 */
public final class CommandLauncher implements SlurmLauncher {
  private static final long TIMEOUT_SECONDS = 120;

  @Override
  public String submit(List<String> options, String script) {
    List<String> command = new ArrayList<>(List.of("sbatch", "--parsable"));
    command.addAll(options);
    Output out = run(command, script);
    if (out.code() != 0) {
      throw new SlurmException("sbatch refused the job: " + out.text().strip());
    }
    String id = out.text().strip().lines().reduce((a, b) -> b).orElse("");
    int semicolon = id.indexOf(';'); // "id;cluster" on a federation
    id = semicolon >= 0 ? id.substring(0, semicolon) : id;
    if (!id.matches("[0-9]+(_[0-9]+)?")) {
      throw new SlurmException("sbatch printed no job id: " + out.text().strip());
    }
    return id;
  }

  @Override
  public Map<String, JobInfo> query(Collection<String> jobIds) {
    Map<String, JobInfo> infos = new LinkedHashMap<>();
    if (jobIds.isEmpty()) {
      return infos;
    }
    Output queue =
        run(
            List.of(
                "squeue", "-h", "-t", "all", "-j", String.join(",", jobIds), "-o", "%i|%T|%r|%N"),
            null);
    if (queue.code() != 0 && !queue.text().contains("Invalid job id")) {
      // The controller did not answer (restarting, overloaded): nothing can be said of the jobs.
      throw new SlurmException("squeue failed: " + queue.text().strip());
    }
    if (queue.code() == 0) {
      for (String line : queue.text().lines().toList()) {
        String[] f = line.split("\\|", -1);
        if (f.length == 4 && jobIds.contains(f[0].strip())) {
          String id = f[0].strip();
          infos.put(
              id,
              new JobInfo(id, JobState.parse(f[1]), f[1].strip(), reason(f[2]), f[3].strip(), -1));
        }
      }
    }
    for (String id : jobIds) {
      JobInfo listed = infos.get(id);
      // Finished jobs need their exit code; jobs squeue no longer lists need everything.
      if (listed == null || (listed.state().finished() && listed.state() != JobState.COMPLETED)) {
        JobInfo detailed = scontrol(id);
        if (detailed == null) {
          detailed = sacct(id);
        }
        if (detailed != null) {
          infos.put(id, detailed);
        }
      }
    }
    return infos;
  }

  @Override
  public void cancel(String jobId) {
    run(List.of("scancel", jobId), null);
  }

  private static String reason(String reason) {
    String r = reason.strip();
    return r.equals("None") || r.equals("(null)") ? "" : r;
  }

  /** {@code scontrol show job -o ID}: one line of Key=Value fields; null if Slurm forgot it. */
  private JobInfo scontrol(String id) {
    Output out = run(List.of("scontrol", "show", "job", "-o", id), null);
    if (out.code() != 0) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String token : out.text().strip().split("\\s+")) {
      int eq = token.indexOf('=');
      if (eq > 0) {
        fields.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    String state = fields.getOrDefault("JobState", "");
    if (state.isEmpty()) {
      return null;
    }
    String node = fields.getOrDefault("NodeList", "");
    return new JobInfo(
        id,
        JobState.parse(state),
        state,
        reason(fields.getOrDefault("Reason", "")),
        node.equals("(null)") ? "" : node,
        exitCode(fields.getOrDefault("ExitCode", "")),
        signal(fields.getOrDefault("ExitCode", "")));
  }

  /** {@code sacct}, which knows old jobs where accounting is configured; null otherwise. */
  private JobInfo sacct(String id) {
    Output out =
        run(
            List.of("sacct", "-n", "-P", "-X", "-j", id, "-o", "JobID,State,ExitCode,NodeList"),
            null);
    if (out.code() != 0) {
      return null;
    }
    for (String line : out.text().lines().toList()) {
      String[] f = line.split("\\|", -1);
      if (f.length == 4 && f[0].strip().equals(id)) {
        return new JobInfo(
            id, JobState.parse(f[1]), f[1].strip(), "", f[3].strip(), exitCode(f[2]), signal(f[2]));
      }
    }
    return null;
  }

  /** "0:9" (killed by signal 9) → 9; 0 without a signal. */
  static int signal(String text) {
    int colon = text.indexOf(':');
    try {
      return colon < 0 ? 0 : Integer.parseInt(text.substring(colon + 1).strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** "3:0" (exit code 3, no signal) → 3. */
  static int exitCode(String text) {
    String code = text.strip();
    int colon = code.indexOf(':');
    code = colon >= 0 ? code.substring(0, colon) : code;
    try {
      return Integer.parseInt(code);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private record Output(int code, String text) {}

  private static Output run(List<String> command, String input) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    try {
      Process process = builder.start();
      try (var stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SlurmException(command.get(0) + " did not answer in " + TIMEOUT_SECONDS + " s");
      }
      return new Output(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("error=2")) {
        throw new SlurmException(
            command.get(0) + " is not installed here: the Slurm executor needs Slurm's commands");
      }
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlurmException(command.get(0) + " was interrupted");
    }
  }
}
