package dev.diffusionlab.cli;

import dev.diffusionlab.build.Bake;
import dev.diffusionlab.build.Project;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.ManifestException;
import dev.diffusionlab.report.site.PreviewServer;
import dev.diffusionlab.report.site.ReportData;
import dev.diffusionlab.run.ConsoleProgress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Builds the site, serves it on localhost and rebuilds it on every edit: a page or template edit
 * renders the site again, an edit of the manifest or of a content file builds as {@code build} does
 * (stale experiments run, with their progress in the terminal). Open pages reload themselves.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Build the site, serve it on localhost and rebuild it when content/, templates/ or the"
            + " manifest change; open pages reload themselves.")
final class ServeCommand implements Callable<Integer> {
  private static final long POLL_MILLIS = 300;

  @Mixin ProjectOptions project = new ProjectOptions();

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      defaultValue = "quick",
      description = "Parameter profile, as for build (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8000",
      description = "Port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    try (Preview preview = start()) {
      preview.watch();
    }
    return 0;
  }

  /** Builds once and starts serving; {@link Preview#watch} then rebuilds on edits. */
  Preview start() {
    Bake bake =
        new Bake(
            project.project(),
            ExperimentTypes.standard(),
            System.out,
            ConsoleProgress.stdoutIsTerminal());
    return new Preview(bake, project.project(), Bake.Request.of(profile), port);
  }

  /** A running preview: the server, the watcher and the data of the last successful build. */
  static final class Preview implements AutoCloseable {
    private final Bake bake;
    private final Bake.Request request;
    private final Path site;
    private final PreviewServer server;
    private final ProjectWatcher watcher;
    private volatile boolean closed;
    private ReportData data;

    private Preview(Bake bake, Project project, Bake.Request request, int port) {
      this.bake = bake;
      this.request = request;
      this.site = project.defaultSite();
      watcher =
          new ProjectWatcher(project.contentDir(), project.templatesDir(), project.manifest());
      rebuild(ProjectWatcher.Change.INPUTS);
      server = new PreviewServer(site, port);
      System.out.println(
          "serving "
              + site
              + " at http://localhost:"
              + server.port()
              + "/ (Ctrl-C stops); watching content/, templates/ and the manifest");
    }

    int port() {
      return server.port();
    }

    /** Rebuilds after each edit until closed. */
    void watch() throws InterruptedException {
      while (!closed) {
        Thread.sleep(POLL_MILLIS);
        ProjectWatcher.Change change = watcher.poll();
        if (change == ProjectWatcher.Change.NONE) {
          continue;
        }
        // An editor may write a file in several steps: wait until the edits settle.
        for (ProjectWatcher.Change more = change;
            more != ProjectWatcher.Change.NONE;
            more = watcher.poll()) {
          Thread.sleep(POLL_MILLIS);
          if (more == ProjectWatcher.Change.INPUTS) {
            change = more;
          }
        }
        server.rebuilt(rebuild(change));
      }
    }

    /** Builds or renders again; returns the error, or null on success. */
    private String rebuild(ProjectWatcher.Change change) {
      try {
        if (change == ProjectWatcher.Change.PAGES && data != null) {
          long start = System.nanoTime();
          int pages = bake.render(data, site).size();
          System.out.printf(
              Locale.ROOT,
              "rendered %d pages (%.1f s)%n",
              pages,
              (System.nanoTime() - start) / 1e9);
        } else {
          data = bake.build(request).data();
        }
        return null;
      } catch (RuntimeException e) {
        String message = describe(e);
        System.out.println("error: " + message + "\n(still serving the last good site)");
        return message;
      }
    }

    private static String describe(RuntimeException e) {
      if (e instanceof ManifestException manifest) {
        return manifest.problems().stream().map(Object::toString).collect(Collectors.joining("\n"));
      }
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    @Override
    public void close() {
      closed = true;
      server.close();
    }
  }
}
