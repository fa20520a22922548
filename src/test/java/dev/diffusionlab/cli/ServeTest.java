package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.report.site.PreviewServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve: a page edit reaches the served page; the published files carry no reload script. */
class ServeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path project;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private void layOut(String indexBody) {
    TestProjects.copyTemplates(project);
    TestProjects.copyImage(project, "cat.png");
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        """
        title: Preview
        profiles:
          quick:
            types: {forward-process: {size: 16}}
        experiments:
          - id: forward
            type: forward-process
            seed: 1
            params: {image: images/cat.png, timesteps: [100]}
        """);
    writeIndex(indexBody);
  }

  private void writeIndex(String body) {
    TestProjects.write(project.resolve("content/index.md"), "---\ntitle: Home\n---\n" + body);
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Polls a page until it satisfies the condition, at most {@link #WAIT}. */
  private String await(int port, String path, Predicate<String> condition)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      body = get(port, path).body();
      if (condition.test(body)) {
        return body;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no change within " + WAIT + "; last:\n" + body);
  }

  private ServeCommand.Preview start() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--project", project.toString(), "--port", "0");
    return serve.start();
  }

  @Test
  void anEditedPageReachesTheServedPageAndThePublishedSiteHasNoReloadScript() throws Exception {
    layOut("First version.\n\n![The cat](exp:forward/original.png)\n");
    try (ServeCommand.Preview preview = start()) {
      Thread watcher =
          new Thread(
              () -> {
                try {
                  preview.watch();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      watcher.start();
      int port = preview.port();
      HttpResponse<String> first = get(port, "/");
      assertEquals(200, first.statusCode());
      assertTrue(first.body().contains("First version."), first.body());
      assertTrue(
          first.body().contains("id=\"" + PreviewServer.SCRIPT_ID + "\""),
          "served with the script");
      String status = get(port, PreviewServer.STATUS).body();
      assertEquals("{\"version\":0,\"error\":null}", status);

      writeIndex("Second version.\n\n![The cat](exp:forward/original.png)\n");
      String second = await(port, "/index.html", b -> b.contains("Second version."));
      assertFalse(second.contains("First version."));
      // The page is written before open pages are told to reload.
      await(port, PreviewServer.STATUS, b -> b.equals("{\"version\":1,\"error\":null}"));

      writeIndex("Broken.\n\n![x](exp:forward/nothing.png)\n");
      String broken = await(port, PreviewServer.STATUS, b -> !b.contains("\"error\":null"));
      assertTrue(
          broken.contains("index.md:6: experiment 'forward' has no output 'nothing.png'"), broken);
      assertTrue(get(port, "/index.html").body().contains("Second version."), "the last good site");

      for (Path html : Files.newDirectoryStream(project.resolve("site"), "*.html")) {
        assertFalse(Files.readString(html).contains(PreviewServer.SCRIPT_ID), html.toString());
      }
      assertEquals(404, get(port, "/%2e%2e/content/manifest.yaml").statusCode());
      assertEquals(404, get(port, "/nothing.html").statusCode());
      preview.close();
      watcher.join(WAIT.toMillis());
      assertFalse(watcher.isAlive(), "closing stops the watcher");
    }
  }
}
