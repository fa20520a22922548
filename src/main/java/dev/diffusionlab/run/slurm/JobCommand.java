package dev.diffusionlab.run.slurm;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a job runs this program for one experiment: the Java command (this JVM with this class path,
 * or {@code java -jar} of the CUDA build for jobs that ask for GPUs), then the hidden {@code
 * run-one} command on the same project and manifest.
 *
 * @param java the command that starts the program on a CPU node
 * @param gpuJava the command for jobs that ask for a GPU, if a CUDA build was given
 */
public record JobCommand(
    List<String> java, Optional<List<String>> gpuJava, Path project, Path manifest) {
  /** The program's main class. */
  public static final String MAIN = "dev.diffusionlab.cli.Main";

  public JobCommand {
    java = List.copyOf(java);
    gpuJava = gpuJava.map(List::copyOf);
  }

  /**
   * This JVM and class path (made absolute), and {@code cudaJar} for GPU jobs when given.
   *
   * @param cudaJar the jar built with {@code mvn -Pcuda package}, on the shared file system
   */
  public static JobCommand thisProgram(Path project, Path manifest, Optional<Path> cudaJar) {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> classPath = classPath();
    // DJL's settings of this JVM (offline, thread counts) hold in the jobs too.
    List<String> properties = new ArrayList<>(List.of("-Dai.djl.offline=true"));
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("ai.djl.") && !name.equals("ai.djl.offline"))
        .sorted()
        .forEach(name -> properties.add("-D" + name + "=" + System.getProperty(name)));
    List<String> java = new ArrayList<>(List.of(javaBin));
    java.addAll(properties);
    java.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), MAIN));
    Optional<List<String>> gpu =
        cudaJar.map(
            jar -> {
              List<String> command = new ArrayList<>(List.of(javaBin));
              command.addAll(properties);
              command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
              return command;
            });
    return new JobCommand(java, gpu, project.toAbsolutePath(), manifest.toAbsolutePath());
  }

  /**
   * The program's class path, absolute: its class loader's where that lists one (a launcher such as
   * {@code mvn exec:java} loads the program apart from its own class path), else {@code
   * java.class.path}.
   */
  private static List<String> classPath() {
    List<String> classPath = new ArrayList<>();
    if (JobCommand.class.getClassLoader() instanceof URLClassLoader loader
        && loader.getURLs().length > 0) {
      for (URL url : loader.getURLs()) {
        try {
          classPath.add(Path.of(url.toURI()).toAbsolutePath().normalize().toString());
        } catch (URISyntaxException | IllegalArgumentException notAFile) {
          // not on the local file system: a job could not load it either
        }
      }
      return classPath;
    }
    for (String part : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!part.isEmpty()) {
        classPath.add(Path.of(part).toAbsolutePath().normalize().toString());
      }
    }
    return classPath;
  }

  /** The command line of the job of one experiment. */
  public List<String> runOne(String profile, String id, String key, boolean gpu, boolean force) {
    List<String> command = new ArrayList<>(gpu && gpuJava.isPresent() ? gpuJava.get() : java);
    command.addAll(
        List.of(
            "run-one",
            "--project",
            project.toString(),
            "--manifest",
            manifest.toString(),
            "--profile",
            profile,
            "--id",
            id,
            "--key",
            key));
    if (force) {
      command.add("--force");
    }
    return command;
  }

  /** A batch script that runs {@code command} in the project folder. */
  public String script(List<String> command, String comment) {
    StringBuilder script = new StringBuilder("#!/bin/sh\n");
    script.append("# ").append(comment.replaceAll("[\\r\\n]", " ")).append('\n');
    script.append("cd ").append(quote(project.toString())).append(" || exit 1\n");
    script.append("exec");
    for (String word : command) {
      script.append(' ').append(quote(word));
    }
    return script.append('\n').toString();
  }

  /** A word in single quotes for sh. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
