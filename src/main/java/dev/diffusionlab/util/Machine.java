package dev.diffusionlab.util;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A description of the machine and software a result was computed with, for provenance. */
public final class Machine {
  private Machine() {}

  /** OS, CPU model, core count, PyTorch's intra-op thread count, memory, GPU. */
  public static ObjectNode describe() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    node.put("arch", System.getProperty("os.arch"));
    node.put("cpu", cpuModel());
    node.put("cores", Runtime.getRuntime().availableProcessors());
    pytorchThreads().ifPresent(threads -> node.put("threads", threads));
    node.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    node.put("gpu", gpu());
    return node;
  }

  /**
   * One line for a benchmark or its table: CPU model, cores, PyTorch's threads, engine and GPU,
   * e.g. "AMD EPYC, 2 cores, 2 PyTorch threads, PyTorch 2.7.1, no GPU".
   */
  public static String summary() {
    StringBuilder line =
        new StringBuilder(cpuModel())
            .append(", ")
            .append(Runtime.getRuntime().availableProcessors())
            .append(" cores");
    pytorchThreads().ifPresent(t -> line.append(", ").append(t).append(" PyTorch threads"));
    String gpu = gpu();
    return line.append(", ")
        .append(engineVersion())
        .append(", ")
        .append(gpu.equals("none") ? "no GPU" : gpu)
        .toString();
  }

  /** This machine's host name (the kernel's, without a DNS lookup); "localhost" if unknown. */
  public static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel).strip();
      }
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Versions of Java, the program, DJL and its engine. */
  public static ObjectNode versions(String engineVersion) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("diffusionLab", version());
    node.put("java", System.getProperty("java.version"));
    node.put("djl", ai.djl.engine.Engine.getDjlVersion());
    node.put("engine", engineVersion);
    return node;
  }

  /** The deep-learning engine and its version, e.g. "PyTorch 2.7.1", or why it is unavailable. */
  public static String engineVersion() {
    try {
      ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
      return engine.getEngineName() + " " + engine.getVersion();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "unavailable: " + e.getMessage();
    }
  }

  /** The program's version from its jar manifest, or "dev" when run from classes. */
  public static String version() {
    String v = Machine.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * PyTorch's intra-op thread count, which decides how sums are split and so the last bits of a
   * result; empty when the engine is not PyTorch or cannot load.
   */
  static Optional<Integer> pytorchThreads() {
    try {
      if (!"PyTorch".equals(ai.djl.engine.Engine.getInstance().getEngineName())) {
        return Optional.empty();
      }
      return Optional.of(ai.djl.pytorch.jni.JniUtils.getNumThreads());
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return Optional.empty();
    }
  }

  /**
   * The commit checked out in the project's git folder ({@code <project>/.git}), read from its
   * files without running git; empty outside a git checkout or when HEAD cannot be resolved.
   */
  public static Optional<String> gitCommit(Path project) {
    Path git = project.resolve(".git");
    try {
      if (Files.isRegularFile(git)) {
        // A worktree or submodule: ".git" holds "gitdir: <path>".
        String pointer = Files.readString(git).trim();
        if (!pointer.startsWith("gitdir:")) {
          return Optional.empty();
        }
        git = project.resolve(pointer.substring("gitdir:".length()).trim()).normalize();
      }
      Path headFile = git.resolve("HEAD");
      if (!Files.isRegularFile(headFile)) {
        return Optional.empty();
      }
      String head = Files.readString(headFile).trim();
      if (!head.startsWith("ref:")) {
        return commitHash(head);
      }
      String ref = head.substring("ref:".length()).trim();
      for (Path dir : commonDirs(git)) {
        Path loose = dir.resolve(ref).normalize();
        if (loose.startsWith(dir) && Files.isRegularFile(loose)) {
          return commitHash(Files.readString(loose).trim());
        }
        Path packed = dir.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
          for (String line : Files.readAllLines(packed)) {
            if (line.endsWith(" " + ref)) {
              return commitHash(line.substring(0, line.indexOf(' ')));
            }
          }
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The git folder and, for a worktree, the repository's common folder that holds its refs. */
  private static List<Path> commonDirs(Path git) throws IOException {
    Path common = git.resolve("commondir");
    if (Files.isRegularFile(common)) {
      return List.of(git, git.resolve(Files.readString(common).trim()).normalize());
    }
    return List.of(git);
  }

  private static Optional<String> commitHash(String text) {
    return text.matches("[0-9a-f]{40}([0-9a-f]{24})?") ? Optional.of(text) : Optional.empty();
  }

  static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      if (Files.isReadable(cpuinfo)) {
        List<String> lines = Files.readAllLines(cpuinfo);
        for (String line : lines) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      }
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }

  static String gpu() {
    Path nvidia = Path.of("/proc/driver/nvidia/gpus");
    if (Files.isDirectory(nvidia)) {
      try (var gpus = Files.list(nvidia)) {
        for (Path gpu : gpus.toList()) {
          Path info = gpu.resolve("information");
          if (Files.isReadable(info)) {
            for (String line : Files.readAllLines(info)) {
              if (line.startsWith("Model:")) {
                return line.substring(6).trim();
              }
            }
          }
        }
      } catch (IOException e) {
        return "unknown (" + e.getMessage() + ")";
      }
    }
    return "none";
  }
}
