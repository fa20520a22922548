package dev.diffusionlab.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** A manifest that cannot be used, with every problem found, each naming file, line and field. */
public final class ManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<ManifestProblem> problems;

  public ManifestException(List<ManifestProblem> problems) {
    super(problems.stream().map(ManifestProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public ManifestException(ManifestProblem problem) {
    this(List.of(problem));
  }

  public List<ManifestProblem> problems() {
    return problems;
  }
}
