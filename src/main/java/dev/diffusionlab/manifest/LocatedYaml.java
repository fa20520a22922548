package dev.diffusionlab.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A YAML document as a Jackson tree plus the source location of every node, keyed by JSON pointer
 * ({@code /experiments/2/params/epochs}), so errors found after parsing can still name the line.
 */
public final class LocatedYaml {
  /**
   * The largest file parsed: a manifest of a hundred experiments is a few kilobytes, and the YAML
   * parser slows down badly on multi-megabyte scalars.
   */
  public static final int MAX_BYTES = 1 << 20;

  private final Path file;
  private final JsonNode root;
  private final Map<String, SourceLocation> locations;

  private LocatedYaml(Path file, JsonNode root, Map<String, SourceLocation> locations) {
    this.file = file;
    this.root = root;
    this.locations = locations;
  }

  /**
   * Parses a YAML file of one document; duplicate keys, anchors and aliases, numbers out of range
   * and files over {@link #MAX_BYTES} are errors.
   *
   * @throws ManifestException naming the line for malformed YAML or an unreadable file
   */
  public static LocatedYaml parse(Path file) {
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new ManifestException(
            new ManifestProblem(
                new SourceLocation(file, 0, 0),
                "",
                "the file has "
                    + size
                    + " bytes, more than the limit of "
                    + MAX_BYTES
                    + " (1 MiB)"));
      }
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ManifestException(
          new ManifestProblem(
              new SourceLocation(file, 0, 0), "", "cannot read file: " + e.getMessage()));
    }
    LoaderOptions limits = new LoaderOptions();
    limits.setCodePointLimit(MAX_BYTES);
    YAMLFactory factory = YAMLFactory.builder().loaderOptions(limits).build();
    Map<String, SourceLocation> locations = new HashMap<>();
    try (JsonParser parser = factory.createParser(text)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new LocatedYaml(file, JsonNodeFactory.instance.objectNode(), locations);
      }
      JsonNode root = readValue(parser, file, "", locations);
      if (parser.nextToken() != null) {
        throw located(
            file,
            parser.currentTokenLocation(),
            "",
            "a second YAML document starts here; a manifest is one document (remove the '---')");
      }
      return new LocatedYaml(file, root, locations);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      int line = at == null ? 0 : at.getLineNr();
      int column = at == null ? 0 : at.getColumnNr();
      throw new ManifestException(
          new ManifestProblem(
              new SourceLocation(file, line, column),
              "",
              "malformed YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ManifestException(
          new ManifestProblem(new SourceLocation(file, 0, 0), "", "cannot parse: " + e));
    }
  }

  private static JsonNode readValue(
      JsonParser parser, Path file, String pointer, Map<String, SourceLocation> locations)
      throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    locations.put(pointer, new SourceLocation(file, at.getLineNr(), at.getColumnNr()));
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    JsonToken token = parser.currentToken();
    // The parser would turn an alias into its anchor's name as plain text; refuse both instead.
    if (parser instanceof YAMLParser yaml
        && (yaml.isCurrentAlias() || yaml.getObjectId() != null)) {
      throw located(
          file,
          at,
          pointer,
          "YAML anchors and aliases (&name, *name) are not supported; write the value out");
    }
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          String childPointer = pointer + "/" + escape(name);
          JsonLocation keyAt = parser.currentTokenLocation();
          parser.nextToken();
          object.set(name, readValue(parser, file, childPointer, locations));
          // Point at the key rather than the value: that is where a reader looks.
          locations.put(
              childPointer, new SourceLocation(file, keyAt.getLineNr(), keyAt.getColumnNr()));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(parser, file, pointer + "/" + index, locations));
          index++;
        }
        return array;
      }
      case VALUE_STRING -> {
        return nodes.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return nodes.numberNode(parser.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        double value = parser.getDoubleValue();
        if (!Double.isFinite(value)) {
          throw located(
              file,
              at,
              pointer,
              "the number " + parser.getText() + " is not finite (out of range of a double)");
        }
        return nodes.numberNode(value);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return nodes.booleanNode(parser.getBooleanValue());
      }
      case VALUE_NULL -> {
        return nodes.nullNode();
      }
      default -> throw new IOException("unexpected YAML token " + token);
    }
  }

  private static ManifestException located(
      Path file, JsonLocation at, String pointer, String message) {
    return new ManifestException(
        new ManifestProblem(
            new SourceLocation(file, at.getLineNr(), at.getColumnNr()),
            FieldPaths.fromPointer(pointer),
            message));
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  public Path file() {
    return file;
  }

  public JsonNode root() {
    return root;
  }

  /**
   * The location of the node at {@code pointer}, or of its nearest located ancestor, or the file
   * itself.
   */
  public SourceLocation locate(String pointer) {
    String p = pointer;
    while (true) {
      SourceLocation location = locations.get(p);
      if (location != null) {
        return location;
      }
      if (p.isEmpty()) {
        return new SourceLocation(file, 0, 0);
      }
      int slash = p.lastIndexOf('/');
      p = slash <= 0 ? "" : p.substring(0, slash);
    }
  }
}
