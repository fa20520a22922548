package dev.diffusionlab.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small table with a header row, written and read as RFC 4180 CSV. */
public record CsvTable(List<String> header, List<List<String>> rows) {
  public CsvTable {
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            "row " + row + " has " + row.size() + " cells, header has " + header.size());
      }
    }
  }

  /** Formats a number for a table cell with a fixed number of decimals. */
  public static String number(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  public void write(Path file) {
    StringBuilder out = new StringBuilder();
    appendRow(out, header);
    rows.forEach(r -> appendRow(out, r));
    try {
      Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void appendRow(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
        cell = '"' + cell.replace("\"", "\"\"") + '"';
      }
      out.append(i == 0 ? "" : ",").append(cell);
    }
    out.append('\n');
  }

  /**
   * Reads a CSV file whose first row is the header.
   *
   * @throws IllegalArgumentException naming the file for ragged rows or an unclosed quote
   */
  public static CsvTable read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n') {
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else if (c != '\r') {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(file + ": unclosed quote");
    }
    if (cell.length() > 0 || !record.isEmpty()) {
      record.add(cell.toString());
      records.add(record);
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException(file + ": empty table, expected a header row");
    }
    try {
      return new CsvTable(records.get(0), records.subList(1, records.size()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
