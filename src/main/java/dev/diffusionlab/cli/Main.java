package dev.diffusionlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code diffusion-lab} command: {@code build} (the default) turns the manifest into the site;
 * {@code serve} previews it and rebuilds on edits; {@code cache gc} cleans the cache; {@code types}
 * lists the experiment types.
 */
@Command(
    name = "diffusion-lab",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Runs the diffusion experiments of a YAML manifest and renders the report site.",
    subcommands = {
      BuildCommand.class,
      ServeCommand.class,
      CacheCommand.class,
      TypesCommand.class,
      RunOneCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:an experiment failed (everything that finished is kept)",
      "2:bad input (manifest, page, option)"
    })
public final class Main implements Runnable {
  private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

  @Override
  public void run() {
    // Only reached through the default subcommand below.
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    // PyTorch's natives come from the pytorch-native jar; never download anything at run time.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; {@code build} is the default command. */
  public static int execute(String... args) {
    List<String> list = new ArrayList<>(List.of(args));
    boolean hasCommand =
        !list.isEmpty()
            && (list.get(0).equals("build")
                || list.get(0).equals("cache")
                || list.get(0).equals("serve")
                || list.get(0).equals("types")
                || list.get(0).equals("run-one")
                || list.get(0).equals("help")
                || TOP_LEVEL.contains(list.get(0)));
    if (!hasCommand) {
      list.add(0, "build");
    }
    CommandLine commandLine = new CommandLine(new Main());
    ErrorHandler errors = new ErrorHandler();
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setParameterExceptionHandler(errors);
    return commandLine.execute(list.toArray(String[]::new));
  }
}
