package dev.diffusionlab.report.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Markdown page of {@code content/} with its front matter ({@code title}, {@code order}).
 *
 * @param slug the file name without {@code .md}; the page becomes {@code <slug>.html}
 * @param markdown the body, with the front matter replaced by blank lines so that line numbers
 *     match the file
 */
public record PageSource(Path file, String slug, String title, int order, String markdown) {

  /**
   * Reads a page.
   *
   * @throws RenderException for malformed front matter
   */
  public static PageSource read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read page " + file, e);
    }
    String name = file.getFileName().toString();
    String slug = name.substring(0, name.length() - ".md".length());
    String title = slug;
    int order = 100;
    String body = text;
    if (text.startsWith("---\n")) {
      int end = text.indexOf("\n---", 4);
      if (end < 0) {
        throw new RenderException(file, 1, "front matter opened with --- is never closed");
      }
      String front = text.substring(4, end);
      try {
        JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(front);
        if (node != null && node.isObject()) {
          title = node.path("title").asText(title);
          order = node.path("order").asInt(order);
        }
      } catch (IOException e) {
        throw new RenderException(file, 2, "malformed front matter: " + e.getMessage());
      }
      int bodyStart = text.indexOf('\n', end + 1);
      bodyStart = bodyStart < 0 ? text.length() : bodyStart;
      String header = text.substring(0, bodyStart);
      long lines = header.chars().filter(c -> c == '\n').count();
      body = "\n".repeat((int) lines) + text.substring(bodyStart);
    }
    return new PageSource(file, slug, title, order, body);
  }
}
