package dev.diffusionlab.cli;

import dev.diffusionlab.build.BadInputException;
import dev.diffusionlab.build.BadOptionException;
import dev.diffusionlab.manifest.ManifestException;
import dev.diffusionlab.report.site.RenderException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints a failure as a message a user can act on: bad input (manifest, page, option) exits with 2;
 * anything else is reported with its cause and exits with 1.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int BAD_INPUT = 2;
  static final int FAILED = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof ManifestException manifest) {
      printProblems(
          err, "the manifest has", manifest.problems().stream().map(Object::toString).toList());
      return BAD_INPUT;
    }
    if (e instanceof BadInputException input) {
      printProblems(err, "found before anything ran:", input.problems());
      return BAD_INPUT;
    }
    if (e instanceof BadOptionException option) {
      err.println("error: " + option.getMessage());
      err.println(tryHelp(commandLine));
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

  /** An option picocli cannot parse: the message, picocli's suggestions, where to find help. */
  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println(tryHelp(commandLine));
    return BAD_INPUT;
  }

  private static void printProblems(PrintWriter err, String heading, List<String> problems) {
    int n = problems.size();
    String count = n + " problem" + (n == 1 ? "" : "s");
    err.println(
        "error: " + (heading.endsWith(":") ? count + " " + heading : heading + " " + count + ":"));
    problems.forEach(p -> err.println("  " + p));
  }

  private static String tryHelp(CommandLine commandLine) {
    return "Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for the options.";
  }
}
