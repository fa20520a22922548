package dev.diffusionlab.util;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A description of the machine and software a result was computed with, for provenance. */
public final class Machine {
  private Machine() {}

  /** OS, CPU model, core count, memory, GPU. */
  public static ObjectNode describe() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    node.put("arch", System.getProperty("os.arch"));
    node.put("cpu", cpuModel());
    node.put("cores", Runtime.getRuntime().availableProcessors());
    node.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    node.put("gpu", gpu());
    return node;
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
