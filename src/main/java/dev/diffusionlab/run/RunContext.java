package dev.diffusionlab.run;

import dev.diffusionlab.experiments.DependencyOutputs;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.run.ResultsStore.OutputSpec;
import dev.diffusionlab.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The {@link ExperimentContext} of one run: a work folder, registered outputs, dependencies. */
final class RunContext implements ExperimentContext {
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");

  private final PlannedExperiment experiment;
  private final String profile;
  private final Path workDir;
  private final Path contentDir;
  private final Map<String, CacheEntry> dependencies;
  private final Progress progress;
  private final Map<String, OutputSpec> outputs = new LinkedHashMap<>();

  RunContext(
      PlannedExperiment experiment,
      String profile,
      Path workDir,
      Path contentDir,
      Map<String, CacheEntry> dependencies,
      Progress progress) {
    this.experiment = experiment;
    this.profile = profile;
    this.workDir = workDir;
    this.contentDir = contentDir.toAbsolutePath().normalize();
    this.dependencies = dependencies;
    this.progress = progress;
  }

  @Override
  public String id() {
    return experiment.id();
  }

  @Override
  public long seed() {
    return experiment.spec().seed();
  }

  @Override
  public String profile() {
    return profile;
  }

  @Override
  public Path output(String fileName, OutputKind kind, String description) {
    if (!FILE_NAME.matcher(fileName).matches() || fileName.equals(ResultsStore.ENTRY_FILE)) {
      throw new IllegalArgumentException(
          "output name '" + fileName + "' must be a plain file name (letters, digits, . _ -)");
    }
    outputs.put(fileName, new OutputSpec(fileName, kind, description));
    return workDir.resolve(fileName);
  }

  @Override
  public Path workDir() {
    return workDir;
  }

  @Override
  public Path input(String field, String contentRelativePath) {
    Path file;
    try {
      file = contentDir.resolve(contentRelativePath).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new InvalidParamsException(field, "'" + contentRelativePath + "' is not a valid path");
    }
    if (!file.startsWith(contentDir)) {
      throw new InvalidParamsException(
          field, "'" + contentRelativePath + "' is outside the content folder " + contentDir);
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidParamsException(
          field, "file '" + contentRelativePath + "' not found in " + contentDir);
    }
    return file;
  }

  @Override
  public DependencyOutputs dependency(String id) {
    CacheEntry entry = dependencies.get(id);
    if (entry == null) {
      throw new IllegalArgumentException(
          "experiment '"
              + experiment.id()
              + "' reads '"
              + id
              + "' but does not list it in depends_on");
    }
    return new EntryOutputs(entry);
  }

  @Override
  public Progress progress() {
    return progress;
  }

  Map<String, OutputSpec> outputs() {
    return Collections.unmodifiableMap(outputs);
  }

  private record EntryOutputs(CacheEntry entry) implements DependencyOutputs {
    @Override
    public String type() {
      return entry.type();
    }

    @Override
    public Set<String> names() {
      Set<String> names = new TreeSet<>();
      entry.outputs().forEach(o -> names.add(o.file()));
      return names;
    }

    @Override
    public Path file(String name) {
      if (entry.output(name).isEmpty()) {
        throw new IllegalArgumentException(
            "experiment '" + entry.id() + "' has no output '" + name + "'; it has " + names());
      }
      return entry.dir().resolve(name);
    }
  }
}
