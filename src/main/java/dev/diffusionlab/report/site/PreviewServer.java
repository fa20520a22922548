package dev.diffusionlab.report.site;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves a built site on the loopback interface for previewing. Every HTML page it sends gets a
 * small script that polls {@value #STATUS} and reloads the page after a rebuild, or shows the
 * build's error; the script is added to the response only, never to the files of the site.
 */
public final class PreviewServer implements AutoCloseable {
  /** The path the reload script polls: the build's number and its error, if any, as JSON. */
  public static final String STATUS = "/__diffusion-lab/status";

  /** Marks the injected script, so tests can tell a served page from a published one. */
  public static final String SCRIPT_ID = "diffusion-lab-reload";

  private static final String SCRIPT =
      "<script id=\""
          + SCRIPT_ID
          + "\">(function(){var seen=null;"
          + "function show(error){var box=document.getElementById('"
          + SCRIPT_ID
          + "-error');"
          + "if(!error){if(box)box.remove();return;}"
          + "if(!box){box=document.createElement('pre');box.id='"
          + SCRIPT_ID
          + "-error';box.style.cssText='position:fixed;left:0;right:0;bottom:0;margin:0;"
          + "padding:1em;background:#7a0010;color:#fff;white-space:pre-wrap;z-index:1000';"
          + "document.body.appendChild(box);}box.textContent='Build failed: '+error;}"
          + "function poll(){fetch('"
          + STATUS
          + "',{cache:'no-store'}).then(function(r){return r.json();}).then(function(s){"
          + "if(seen!==null&&s.version!==seen){location.reload();return;}"
          + "seen=s.version;show(s.error);}).catch(function(){})"
          + ".then(function(){setTimeout(poll,500);});}poll();})();</script>";

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("csv", "text/csv; charset=utf-8"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("xml", "application/xml"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("gif", "image/gif"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"));

  private final Path site;
  private final HttpServer server;
  private final AtomicLong version = new AtomicLong();
  private final AtomicReference<String> error = new AtomicReference<>();

  /**
   * Starts serving {@code site} on {@code localhost:port} (0 picks a free port).
   *
   * @throws UncheckedIOException if the port is taken
   */
  public PreviewServer(Path site, int port) {
    this.site = site.toAbsolutePath().normalize();
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on localhost:" + port, e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Tells open pages that the site was rebuilt ({@code null}) or that the build failed. */
  public void rebuilt(String failure) {
    error.set(failure);
    if (failure == null) {
      version.incrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      URI uri = exchange.getRequestURI();
      String path = uri.getPath();
      if (path.equals(STATUS)) {
        String failure = error.get();
        String json =
            "{\"version\":"
                + version.get()
                + ",\"error\":"
                + (failure == null ? "null" : TextNode.valueOf(failure).toString())
                + "}";
        send(exchange, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
        return;
      }
      Path file = resolve(path);
      if (file == null) {
        send(exchange, 404, TYPES.get("txt"), "not found\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      String type = typeOf(file);
      if (type.startsWith("text/html")) {
        bytes = withReloadScript(new String(bytes, StandardCharsets.UTF_8));
      }
      send(exchange, 200, type, bytes);
    } finally {
      exchange.close();
    }
  }

  /** The file a URL path names inside the site, or null (also for paths leaving the site). */
  private Path resolve(String path) throws IOException {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    if (relative.isEmpty() || relative.endsWith("/")) {
      relative += "index.html";
    }
    Path file = site.resolve(relative).normalize();
    if (!file.startsWith(site) || !Files.isRegularFile(file)) {
      return null;
    }
    // A symlink inside the site must not lead out of it.
    return file.toRealPath().startsWith(site.toRealPath()) ? file : null;
  }

  private static byte[] withReloadScript(String html) {
    int end = html.lastIndexOf("</body>");
    String served = end < 0 ? html + SCRIPT : html.substring(0, end) + SCRIPT + html.substring(end);
    return served.getBytes(StandardCharsets.UTF_8);
  }

  private static String typeOf(Path file) {
    String name = file.getFileName().toString();
    String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
