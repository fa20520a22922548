package dev.diffusionlab.data;

import static dev.diffusionlab.data.IdxTest.gzip;
import static dev.diffusionlab.data.IdxTest.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.diffusionlab.util.Progress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt data folder or cache is named in a warning and replaced from the next source; a mirror
 * that fails says why. The mirror is a server on the loopback interface, so the test is offline.
 */
class DatasetRecoveryTest {
  @TempDir Path dir;
  private final byte[] content = idx(new int[] {3}, new byte[] {7, 8, 9});
  private final List<String> log = new ArrayList<>();
  private HttpServer server;

  private final Progress recording =
      new Progress() {
        @Override
        public Task start(String name, long total) {
          return Progress.silent().start(name, total);
        }

        @Override
        public void log(String message) {
          log.add(message);
        }
      };

  private String mirror() throws IOException {
    byte[] body = gzip(content);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private Dataset tiny(String mirror) {
    return new Dataset(
        "tiny",
        List.of(new Dataset.DatasetFile("a", IdxTest.sha(content))),
        List.of(mirror),
        List.of("x"));
  }

  @Test
  void refetchesATruncatedCacheFileAndWarnsAboutIt() throws IOException {
    Path cache = dir.resolve("cache");
    byte[] good = gzip(content);
    Path truncated =
        Files.write(
            Files.createDirectories(cache.resolve("tiny")).resolve("a.gz"),
            Arrays.copyOf(good, good.length - 6));
    DatasetFetcher fetcher = new DatasetFetcher(Optional.empty(), cache, recording);
    Path found = fetcher.fetch(tiny(mirror()));
    assertEquals(cache.resolve("tiny"), found);
    assertArrayEquals(content, Files.readAllBytes(found.resolve("a")));
    assertFalse(Files.exists(truncated), "the corrupt file was replaced");
    assertTrue(
        log.stream()
            .anyMatch(l -> l.startsWith("warning: the cache file " + truncated + " is corrupt")),
        log.toString());
  }

  @Test
  void warnsAboutACorruptDataFolderBeforeUsingTheNextSource() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data/tiny"));
    Path bad = Files.write(data.resolve("a"), idx(new int[] {3}, new byte[] {0, 0, 0}));
    DatasetFetcher fetcher =
        new DatasetFetcher(Optional.of(dir.resolve("data")), dir.resolve("cache"), recording);
    assertEquals(dir.resolve("cache/tiny"), fetcher.fetch(tiny(mirror())));
    assertTrue(
        log.stream()
            .anyMatch(
                l ->
                    l.contains("DIFFUSION_LAB_DATA folder file " + bad)
                        && l.contains("checksum mismatch")),
        log.toString());
  }

  @Test
  void aFailingMirrorSaysWhy() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    DatasetFetcher fetcher =
        new DatasetFetcher(Optional.empty(), dir.resolve("cache"), Progress.silent());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> fetcher.fetch(tiny("http://127.0.0.1:" + closed + "/")));
    String line =
        e.getMessage().lines().filter(l -> l.contains("mirror http")).findFirst().orElseThrow();
    assertFalse(line.endsWith(": null"), line);
    assertTrue(line.contains("ConnectException"), line);
  }
}
