package dev.diffusionlab.cli;

import dev.diffusionlab.manifest.ManifestException;
import dev.diffusionlab.report.site.RenderException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failure as a message a user can act on: bad input (manifest, page, option) exits with 2;
 * anything else is reported with its cause and exits with 1.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int BAD_INPUT = 2;
  static final int FAILED = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    var err = commandLine.getErr();
    if (e instanceof ManifestException manifest) {
      err.println(
          "error: the manifest has "
              + manifest.problems().size()
              + " problem"
              + (manifest.problems().size() == 1 ? "" : "s")
              + ":");
      manifest.problems().forEach(p -> err.println("  " + p));
      return BAD_INPUT;
    }
    if (e instanceof RenderException || e instanceof IllegalArgumentException) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    }
    err.println("error: " + describe(e));
    Throwable cause = e.getCause();
    while (cause != null) {
      err.println("  caused by: " + cause);
      cause = cause.getCause();
    }
    return FAILED;
  }

  // The message is what a user acts on; the class name only when there is no message.
  private static String describe(Throwable t) {
    return t.getMessage() != null && !t.getMessage().isBlank() ? t.getMessage() : t.toString();
  }
}
