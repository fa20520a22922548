package dev.diffusionlab.report.site;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IllegalFormatException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/**
 * Replaces value references in a page's Markdown by values read from the results, so that no number
 * an experiment produced or was configured with is typed by hand:
 *
 * <ul>
 *   <li>{@code {{exp:ID/FILE.json#a.b.0}}}: a value of an output JSON file, by dotted path;
 *   <li>{@code {{exp:ID/FILE.csv#ROW/COLUMN}}}: the cell of a CSV output in the row whose first
 *       column is ROW and the column headed COLUMN; ROW {@code :mean}, {@code :min}, {@code :max}
 *       or {@code :sum} aggregates the column over all rows;
 *   <li>{@code {{params:ID.PATH}}}: a parameter the experiment ran with (defaults and profile
 *       applied);
 *   <li>{@code {{entry:ID.PATH}}}: its provenance from {@code entry.json}; {@code wall} is the wall
 *       time and {@code started} the start, both readable.
 * </ul>
 *
 * Each takes an optional {@code |FORMAT} ({@code java.util.Formatter} syntax, e.g. {@code |%.1f}).
 * A reference to an experiment without an entry reads "n/a"; any other bad reference is an error
 * naming the page and line.
 */
final class ValueReferences {
  /** What a reference to an experiment without an entry reads. */
  static final String NOT_AVAILABLE = "n/a";

  /** What a provenance field reads for an entry made before the field was recorded. */
  static final String NOT_RECORDED = "not recorded";

  /** Provenance fields that older entries lack. */
  static final Set<String> RECORDED_LATER = Set.of("commit", "machine.threads");

  private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*(exp|params|entry):(.*?)}}");
  private static final Pattern OPENING = Pattern.compile("\\{\\{\\s*(exp|params|entry):");
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  private ValueReferences() {}

  /**
   * The Markdown with every value reference replaced, line by line, so line numbers stay.
   *
   * @throws RenderException naming the page and line of a bad reference
   */
  static String substitute(PageSource page, String markdown, ReportData data) {
    return replace(
        page,
        markdown,
        (line, scheme, target) -> Optional.of(value(page, line, scheme, target, data)),
        true);
  }

  /** A reference's value from the results; "n/a" for an experiment without an entry. */
  private static String value(
      PageSource page, int line, String scheme, String target, ReportData data) {
    Optional<String> value =
        switch (scheme) {
          case "exp" -> output(page, line, target, data);
          case "params" -> entryField(target, data, "params");
          default -> entryField(target, data, "");
        };
    return value.orElse(NOT_AVAILABLE);
  }

  /**
   * The Markdown with its {@code {{params:...}}} references replaced from the params a plan knows
   * before anything runs (so that a link such as {@code exp:x/samples-epoch{{params:x.epochs}}.png}
   * can be checked); other references are left as they are.
   *
   * @throws RenderException naming the page and line of a bad params reference
   */
  static String substituteParams(
      PageSource page, String markdown, MarkdownRenderer.OutputCatalog catalog) {
    return replace(
        page,
        markdown,
        (line, scheme, target) ->
            scheme.equals("params") ? planParam(target, catalog) : Optional.empty(),
        false);
  }

  /** The value of one reference's target (its body before any {@code |format}). */
  private interface Lookup {
    /**
     * @return the value, or empty to leave the reference as it is written
     * @throws IllegalArgumentException for a bad reference
     */
    Optional<String> value(int line, String scheme, String target);
  }

  /**
   * Replaces each reference by its looked-up value, formatted; with {@code complete}, a '{{' left
   * unclosed is an error.
   */
  private static String replace(PageSource page, String markdown, Lookup lookup, boolean complete) {
    if (!markdown.contains("{{")) {
      return markdown;
    }
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int line = i + 1;
      Matcher m = REFERENCE.matcher(lines[i]);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String body = m.group(2).trim();
        int bar = body.lastIndexOf('|');
        String format = bar < 0 ? null : body.substring(bar + 1).trim();
        String target = bar < 0 ? body : body.substring(0, bar).trim();
        String replacement;
        try {
          replacement =
              lookup
                  .value(line, m.group(1), target)
                  .map(v -> v.equals(NOT_AVAILABLE) ? v : format(v, format))
                  .orElse(m.group());
        } catch (IllegalArgumentException e) {
          throw new RenderException(
              page.file(), line, "{{" + m.group(1) + ":" + body + "}}: " + e.getMessage());
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      if (complete && OPENING.matcher(out).find()) {
        throw new RenderException(
            page.file(), line, "a value reference '{{' is not closed by '}}'");
      }
      lines[i] = out.toString();
    }
    return String.join("\n", lines);
  }

  /** {@code ID.FIELD} from the plan's params; empty if the plan does not know them. */
  private static Optional<String> planParam(String target, MarkdownRenderer.OutputCatalog catalog) {
    String[] idAndField = idAndField(target, "params");
    if (!catalog.ids().contains(idAndField[0])) {
      throw unknownExperiment(idAndField[0], catalog.ids());
    }
    return catalog
        .params(idAndField[0])
        .map(params -> text(path(params, idAndField[1], "the params of " + idAndField[0])));
  }

  /** {@code ID.FIELD} split at the first dot. */
  private static String[] idAndField(String target, String scheme) {
    int dot = target.indexOf('.');
    if (dot <= 0 || dot == target.length() - 1) {
      throw new IllegalArgumentException("expected " + scheme + ":<id>.<field>");
    }
    return new String[] {target.substring(0, dot), target.substring(dot + 1)};
  }

  private static IllegalArgumentException unknownExperiment(String id, Collection<String> ids) {
    return new IllegalArgumentException(
        "unknown experiment '" + id + "'; the manifest has " + String.join(", ", ids));
  }

  /** {@code ID/FILE#KEY}; empty if the experiment has no entry. */
  private static Optional<String> output(
      PageSource page, int line, String target, ReportData data) {
    int hash = target.indexOf('#');
    if (hash < 0 || hash == target.length() - 1) {
      throw new IllegalArgumentException(
          "expected exp:<id>/<file>#<key> (a dotted path for JSON, <row>/<column> for CSV)");
    }
    MarkdownRenderer.Reference ref =
        MarkdownRenderer.Reference.parse(
            page.file(), line, MarkdownRenderer.SCHEME + target.substring(0, hash));
    if (MarkdownRenderer.checkReference(page, line, ref, data).isPresent()) {
      return Optional.empty();
    }
    CacheEntry entry = data.entries().get(ref.id());
    String key = target.substring(hash + 1);
    if (ref.file().endsWith(".csv")) {
      return Optional.of(csvCell(CsvTable.read(entry.dir().resolve(ref.file())), key));
    }
    if (ref.file().endsWith(".json")) {
      try {
        JsonNode json = Json.files().readTree(entry.dir().resolve(ref.file()).toFile());
        return Optional.of(text(path(json, key, ref.file())));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + ref.file() + ": " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("values can be read from .csv and .json outputs only");
  }

  /** {@code ROW/COLUMN}: both may contain slashes, so every split is tried. */
  private static String csvCell(CsvTable table, String key) {
    List<String> found = new ArrayList<>();
    for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
      String row = key.substring(0, slash);
      int column = table.header().indexOf(key.substring(slash + 1));
      if (column < 0) {
        continue;
      }
      if (row.startsWith(":")) {
        found.add(aggregate(table, row.substring(1), column));
      }
      for (List<String> r : table.rows()) {
        if (r.get(0).equals(row)) {
          found.add(r.get(column));
        }
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException("'" + key + "' matches " + found.size() + " cells");
    }
    throw new IllegalArgumentException(
        "no cell '"
            + key
            + "': expected <value of the first column>/<column>; the columns are "
            + String.join(", ", table.header())
            + "; the first column holds "
            + table.rows().stream().map(r -> r.get(0)).collect(Collectors.joining(", ")));
  }

  private static String aggregate(CsvTable table, String how, int column) {
    double[] values = new double[table.rows().size()];
    for (int i = 0; i < values.length; i++) {
      String cell = table.rows().get(i).get(column).trim();
      if (!NUMBER.matcher(cell).matches()) {
        throw new IllegalArgumentException(
            "':" + how + "' needs numbers, but the column holds '" + cell + "'");
      }
      values[i] = Double.parseDouble(cell);
    }
    if (values.length == 0) {
      throw new IllegalArgumentException("':" + how + "' over a table without rows");
    }
    DoubleStream numbers = DoubleStream.of(values);
    return plain(
        switch (how) {
          case "min" -> numbers.min().orElseThrow();
          case "max" -> numbers.max().orElseThrow();
          case "sum" -> numbers.sum();
          case "mean" -> numbers.average().orElseThrow();
          default ->
              throw new IllegalArgumentException(
                  "unknown aggregate ':" + how + "'; expected :mean, :min, :max or :sum");
        });
  }

  /**
   * {@code ID.PATH} in the entry's JSON (under {@code section} when not empty); empty if the
   * experiment has no entry.
   */
  private static Optional<String> entryField(String target, ReportData data, String section) {
    String[] idAndField = idAndField(target, section.isEmpty() ? "entry" : section);
    String id = idAndField[0];
    String field = idAndField[1];
    CacheEntry entry = data.entries().get(id);
    if (entry == null) {
      if (data.missing().containsKey(id)) {
        return Optional.empty();
      }
      throw unknownExperiment(id, data.ids());
    }
    if (section.isEmpty()) {
      switch (field) {
        case "wall":
          return Optional.of(Readable.duration(entry.wallSeconds()));
        case "started", "finished":
          return Optional.of(Readable.instant(entry.json().path(field).asText()));
        default:
          if (RECORDED_LATER.contains(field) && path(entry.json(), field) == null) {
            return Optional.of(NOT_RECORDED);
          }
      }
      return Optional.of(text(path(entry.json(), field, "entry.json of " + id)));
    }
    return Optional.of(text(path(entry.json().path(section), field, "the params of " + id)));
  }

  private static JsonNode path(JsonNode root, String dotted, String where) {
    JsonNode node = path(root, dotted);
    if (node == null) {
      List<String> names = new ArrayList<>();
      root.fieldNames().forEachRemaining(names::add);
      throw new IllegalArgumentException(
          "no '"
              + dotted
              + "' in "
              + where
              + (names.isEmpty() ? "" : "; it has " + String.join(", ", names)));
    }
    return node;
  }

  /** The node at a dotted path (array indices as numbers, negative from the end), or null. */
  private static JsonNode path(JsonNode root, String dotted) {
    JsonNode node = root;
    for (String part : dotted.split("\\.")) {
      if (node == null) {
        return null;
      }
      if (node.isArray() && part.matches("-?\\d+")) {
        int index = Integer.parseInt(part);
        node = node.get(index < 0 ? node.size() + index : index);
      } else {
        node = node.get(part);
      }
    }
    return node == null || node.isMissingNode() ? null : node;
  }

  private static String text(JsonNode node) {
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        items.add(text(it.next()));
      }
      return String.join(", ", items);
    }
    if (node.isObject()) {
      throw new IllegalArgumentException("the path names an object, not a value");
    }
    return node.isNumber() ? plain(node.doubleValue()) : node.asText();
  }

  /** 7.0 as 7, 5.0E-4 as 0.0005. */
  private static String plain(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String format(String value, String format) {
    if (format == null) {
      return value;
    }
    if (!NUMBER.matcher(value.trim()).matches()) {
      if (format.endsWith("s")) {
        return String.format(Locale.ROOT, format, value);
      }
      throw new IllegalArgumentException(
          "format '" + format + "' needs a number, but the value is '" + value + "'");
    }
    double number = Double.parseDouble(value.trim());
    try {
      char conversion = format.charAt(format.length() - 1);
      if (conversion == 'd' || conversion == 'x') {
        if (number != Math.rint(number)) {
          throw new IllegalArgumentException(
              "format '" + format + "' needs a whole number, but the value is " + value);
        }
        return String.format(Locale.ROOT, format, (long) number);
      }
      return String.format(Locale.ROOT, format, conversion == 's' ? value : number);
    } catch (IllegalFormatException e) {
      throw new IllegalArgumentException("bad format '" + format + "': " + e.getMessage());
    }
  }
}
