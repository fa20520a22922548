package dev.diffusionlab;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The package layers of the program, top to bottom. A package may use packages of lower tiers only;
 * packages of one tier do not use each other. {@code ..} includes sub-packages.
 *
 * <pre>
 * cli                                picocli commands
 * report.site                        renders the site from the cache
 * run.slurm                          the Slurm executor: experiments as sbatch jobs
 * run                                plan, cache keys, results store, runner, local executor
 * experiments.., manifest            experiment types (thin), the manifest
 * benchmarks                         throughput measurements
 * diffusion.pipelines, training      sampling loops and guidance; training loops
 * nn..                               the networks
 * diffusion                          schedules, schedulers, the denoiser interface
 * report                             grids, tables, charts, GIFs
 * data                               data sets and images
 * tensor                             seeded noise, image ranges, PSNR, the Gaussian low-pass
 * io                                 tensor files and their read limits
 * util                               progress, hashing, JSON, machine, file trees
 * </pre>
 */
@AnalyzeClasses(packages = "dev.diffusionlab", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final List<Map<String, String>> TIERS =
      List.of(
          Map.of("cli", "dev.diffusionlab.cli.."),
          Map.of("build", "dev.diffusionlab.build.."),
          Map.of("site", "dev.diffusionlab.report.site.."),
          Map.of("slurm", "dev.diffusionlab.run.slurm.."),
          Map.of("run", "dev.diffusionlab.run"),
          Map.of(
              "experiments", "dev.diffusionlab.experiments..",
              "manifest", "dev.diffusionlab.manifest.."),
          Map.of("benchmarks", "dev.diffusionlab.benchmarks.."),
          Map.of(
              "pipelines", "dev.diffusionlab.diffusion.pipelines..",
              "training", "dev.diffusionlab.training.."),
          Map.of("models", "dev.diffusionlab.nn.."),
          Map.of("schedulers", "dev.diffusionlab.diffusion"),
          Map.of("figures", "dev.diffusionlab.report"),
          Map.of("data", "dev.diffusionlab.data.."),
          Map.of("tensor", "dev.diffusionlab.tensor.."),
          Map.of("io", "dev.diffusionlab.io.."),
          Map.of("util", "dev.diffusionlab.util.."));

  @ArchTest static final ArchRule layers = layers();

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.diffusionlab.(**)").should().beFreeOfCycles();

  private static ArchRule layers() {
    LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (Map<String, String> tier : TIERS) {
      for (Map.Entry<String, String> layer : tier.entrySet()) {
        architecture = architecture.layer(layer.getKey()).definedBy(layer.getValue());
      }
    }
    for (int i = 0; i < TIERS.size(); i++) {
      List<String> below = new ArrayList<>();
      for (Map<String, String> lower : TIERS.subList(i + 1, TIERS.size())) {
        below.addAll(lower.keySet());
      }
      for (String name : TIERS.get(i).keySet()) {
        architecture =
            below.isEmpty()
                ? architecture.whereLayer(name).mayNotAccessAnyLayer()
                : architecture.whereLayer(name).mayOnlyAccessLayers(below.toArray(String[]::new));
      }
    }
    return architecture;
  }
}
