package dev.diffusionlab.experiments;

import java.util.regex.Pattern;

/**
 * An output file an experiment type promises to write for given params.
 *
 * @param name a plain file name, or a pattern in which {@code *} stands for any text without a
 *     slash (a family of files such as one PNG per sample)
 */
public record DeclaredOutput(String name, OutputKind kind, String description) {

  /** Whether {@code file} is this output or one of its family. */
  public boolean matches(String file) {
    if (!name.contains("*")) {
      return name.equals(file);
    }
    StringBuilder regex = new StringBuilder();
    for (String part : name.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append("[^/]*");
      }
      regex.append(Pattern.quote(part));
    }
    return file.matches(regex.toString());
  }

  /** Whether the name stands for a family of files rather than one. */
  public boolean isPattern() {
    return name.contains("*");
  }
}
