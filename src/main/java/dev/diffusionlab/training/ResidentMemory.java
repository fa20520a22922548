package dev.diffusionlab.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size, read from {@code /proc/self/status}; native tensors live outside
 * the Java heap, so a leak of arrays shows here and not in heap statistics.
 */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** Resident memory in MiB, or -1 where {@code /proc} is unavailable. */
  public static long mebibytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String kib = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kib) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
