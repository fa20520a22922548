package dev.diffusionlab.report.site;

import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.run.CacheEntry;
import java.util.List;
import java.util.regex.Pattern;

/** Small HTML fragments of the report: tables from CSV, placeholders, provenance notes. */
final class Html {
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?%?");

  private Html() {}

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** A placeholder for an output whose experiment has no entry. */
  static String missing(String id, String why) {
    return missing(id, why, null);
  }

  /** A placeholder with an anchor (null for none), so cross-references to it still link. */
  static String missing(String id, String why, String anchor) {
    return "<div class=\"missing\""
        + idAttribute(anchor)
        + "><strong>"
        + escape(id)
        + "</strong>: not available — "
        + escape(why)
        + "</div>";
  }

  /** A note saying which experiment, profile and seed produced an output. */
  static String provenance(CacheEntry entry) {
    return "<span class=\"provenance\"><a href=\"experiments.html#"
        + escape(entry.id())
        + "\">"
        + escape(entry.id())
        + "</a> · profile "
        + escape(entry.profile())
        + " · seed "
        + entry.seed()
        + "</span>";
  }

  static String table(CsvTable table, String caption, String csvUrl, CacheEntry entry) {
    return table(table, caption, csvUrl, entry, null);
  }

  /** A table with its caption and provenance; {@code anchor} is its id (null for none). */
  static String table(
      CsvTable table, String caption, String csvUrl, CacheEntry entry, String anchor) {
    StringBuilder html =
        new StringBuilder(
            "<figure class=\"table\"" + idAttribute(anchor) + "><table class=\"data\">");
    html.append("<thead><tr>");
    for (String cell : table.header()) {
      html.append("<th>").append(escape(cell)).append("</th>");
    }
    html.append("</tr></thead><tbody>");
    for (List<String> row : table.rows()) {
      html.append("<tr>");
      for (String cell : row) {
        boolean numeric = NUMBER.matcher(cell.trim()).matches();
        html.append(numeric ? "<td class=\"num\">" : "<td>").append(escape(cell)).append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</tbody></table><figcaption>");
    if (!caption.isEmpty()) {
      html.append(escape(caption)).append(' ');
    }
    html.append("<a class=\"csv\" href=\"")
        .append(escape(csvUrl))
        .append("\">CSV</a> ")
        .append(provenance(entry))
        .append("</figcaption></figure>");
    return html.toString();
  }

  private static String idAttribute(String anchor) {
    return anchor == null ? "" : " id=\"" + escape(anchor) + "\"";
  }
}
