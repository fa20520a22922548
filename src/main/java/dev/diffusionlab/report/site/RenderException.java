package dev.diffusionlab.report.site;

import java.nio.file.Path;

/** A page that cannot be rendered, naming the page and line. */
public final class RenderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RenderException(Path page, int line, String message) {
    super(page + (line > 0 ? ":" + line : "") + ": " + message);
  }

  /** One or more problems, each already located as {@code page:line: message}. */
  public RenderException(String located) {
    super(located);
  }
}
