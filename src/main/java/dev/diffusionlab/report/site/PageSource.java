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
   * Reads a page. A UTF-8 byte order mark is dropped and CRLF line ends are read as LF, so the
   * front matter is found whatever editor wrote the file.
   *
   * @throws RenderException for malformed front matter, naming the line
   */
  public static PageSource read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read page " + file, e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    text = text.replace("\r\n", "\n");
    String name = file.getFileName().toString();
    String slug = name.substring(0, name.length() - ".md".length());
    String[] lines = text.split("\n", -1);
    if (!lines[0].equals("---")) {
      return new PageSource(file, slug, slug, DEFAULT_ORDER, text);
    }
    int close = 1;
    while (close < lines.length && !lines[close].equals("---")) {
      close++;
    }
    if (close == lines.length) {
      throw new RenderException(file, 1, "front matter opened with --- is never closed");
    }
    String front = String.join("\n", java.util.Arrays.asList(lines).subList(1, close));
    JsonNode node;
    try {
      node = new ObjectMapper(new YAMLFactory()).readTree(front);
    } catch (IOException e) {
      throw new RenderException(file, 2, "malformed front matter: " + e.getMessage());
    }
    String title = slug;
    int order = DEFAULT_ORDER;
    if (node != null && !node.isMissingNode() && !node.isNull()) {
      if (!node.isObject()) {
        throw new RenderException(
            file, 2, "front matter must be a mapping (title: ..., order: ...)");
      }
      JsonNode titleNode = node.get("title");
      if (titleNode != null) {
        if (!titleNode.isTextual()) {
          throw new RenderException(
              file, lineOf(lines, close, "title"), "title: expected text, got " + kind(titleNode));
        }
        title = titleNode.asText();
      }
      JsonNode orderNode = node.get("order");
      if (orderNode != null) {
        if (!orderNode.isIntegralNumber() || !orderNode.canConvertToInt()) {
          throw new RenderException(
              file,
              lineOf(lines, close, "order"),
              "order: expected an integer, got " + kind(orderNode));
        }
        order = orderNode.asInt();
      }
    }
    int bodyStart = 0;
    for (int i = 0; i <= close; i++) {
      bodyStart += lines[i].length() + 1;
    }
    String body = "\n".repeat(close + 1) + text.substring(Math.min(bodyStart, text.length()));
    return new PageSource(file, slug, title, order, body);
  }

  private static final int DEFAULT_ORDER = 100;

  /** The file line of a front matter key, or the first front matter line. */
  private static int lineOf(String[] lines, int close, String key) {
    for (int i = 1; i < close; i++) {
      if (lines[i].startsWith(key + ":")) {
        return i + 1;
      }
    }
    return 2;
  }

  private static String kind(JsonNode node) {
    if (node.isTextual()) {
      return "text";
    }
    return node.isContainerNode()
        ? (node.isArray() ? "a list" : "a mapping")
        : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + node;
  }
}
