package dev.diffusionlab.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.io.HostTensor;
import dev.diffusionlab.io.TensorDType;
import dev.diffusionlab.nn.deepfloyd.DeepFloydBackend;
import dev.diffusionlab.nn.deepfloyd.DeepFloydDenoiser;
import dev.diffusionlab.nn.deepfloyd.IfModelLocator;
import dev.diffusionlab.nn.deepfloyd.PrecomputedPromptEmbeddings;
import dev.diffusionlab.nn.deepfloyd.UNetConfig;
import dev.diffusionlab.nn.deepfloyd.WeightsUnavailableException;
import dev.diffusionlab.util.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times one UNet evaluation of IF stage I: the if-tiny fixture model at batch 1 and 2, and every
 * real IF-I model found in the Hugging Face cache (or given as arguments: folders holding {@code
 * unet/}) at 64×64, batch 1 and 2. Prints the machine first.
 *
 * <p>Run with {@code mvn -q exec:java -Dexec.mainClass=dev.diffusionlab.benchmarks.IfBenchmark
 * [-Dexec.args="path/to/IF-I-M-v1.0"]}.
 */
public final class IfBenchmark {
  private static final int WARMUP = 3;
  private static final int RUNS = 10;
  private static final List<String> REAL_MODELS =
      List.of("DeepFloyd/IF-I-M-v1.0", "DeepFloyd/IF-I-L-v1.0", "DeepFloyd/IF-I-XL-v1.0");

  private IfBenchmark() {}

  /** One timing: median and fastest of {@link #RUNS} evaluations after {@link #WARMUP}. */
  record Timing(String model, int batch, int size, double medianMs, double minMs) {
    @Override
    public String toString() {
      return String.format(
          "%-28s batch %d  %3dx%-3d  median %9.1f ms  min %9.1f ms",
          model, batch, size, size, medianMs, minMs);
    }
  }

  public static void main(String[] args) throws IOException {
    Engine engine = Engine.getInstance();
    engine.setRandomSeed(0);
    System.out.println(machine());
    Device device = Device.cpu();
    Path tiny = findTinyFixture();
    if (tiny == null) {
      System.out.println(
          "if-tiny fixture not found (shared/fixtures/if-tiny above the working dir)");
    } else {
      benchmark("if-tiny (fixture)", tiny, device);
    }
    List<Path> folders = new ArrayList<>();
    Arrays.stream(args).map(Path::of).forEach(folders::add);
    IfModelLocator locator = IfModelLocator.system();
    for (String id : REAL_MODELS) {
      try {
        folders.add(locator.unetFolder(id, null));
      } catch (WeightsUnavailableException e) {
        System.out.println(id + ": not in the Hugging Face cache, skipped");
      }
    }
    for (Path folder : folders) {
      Path unet =
          IfModelLocator.isUnetFolder(folder.resolve("unet")) ? folder.resolve("unet") : folder;
      benchmark(unet.toString(), unet, device);
    }
  }

  private static void benchmark(String name, Path unetFolder, Device device) throws IOException {
    UNetConfig config = UNetConfig.read(unetFolder.resolve("config.json"));
    long loadStart = System.nanoTime();
    HostTensor empty =
        new HostTensor(
            new long[] {77, config.encoderHidDim()},
            new float[77 * config.encoderHidDim()],
            TensorDType.F32);
    try (DeepFloydDenoiser denoiser =
        DeepFloydBackend.load(
            unetFolder, PrecomputedPromptEmbeddings.of(unetFolder, Map.of("", empty)), device)) {
      System.out.printf("%s: loaded in %.1f s%n", name, (System.nanoTime() - loadStart) / 1e9);
      for (int batch : new int[] {1, 2}) {
        System.out.println(time(name, denoiser, batch));
      }
    }
  }

  private static Timing time(String name, DeepFloydDenoiser denoiser, int batch) {
    int size = denoiser.imageSize();
    double[] ms = new double[RUNS];
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(batch, denoiser.channels(), size, size));
      NDArray text = m.randomNormal(new Shape(batch, 77, denoiser.config().encoderHidDim()));
      int[] t = new int[batch];
      Arrays.fill(t, 500);
      for (int i = 0; i < WARMUP + RUNS; i++) {
        try (NDManager step = m.newSubManager()) {
          long start = System.nanoTime();
          NDArray out = denoiser.predict(x, t, text);
          out.toFloatArray();
          long elapsed = System.nanoTime() - start;
          out.attach(step);
          if (i >= WARMUP) {
            ms[i - WARMUP] = elapsed / 1e6;
          }
        }
      }
    }
    Arrays.sort(ms);
    return new Timing(name, batch, size, (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2, ms[0]);
  }

  private static String machine() {
    return String.format(
        "machine: %s, JVM %s, max heap %d MiB",
        Machine.summary(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  private static Path findTinyFixture() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/fixtures/if-tiny");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
