package dev.diffusionlab.build;

import java.util.List;

/**
 * Input that cannot be built (pages, the output folder), found before anything runs; every problem
 * names its file and, where there is one, its line.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  public BadInputException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
