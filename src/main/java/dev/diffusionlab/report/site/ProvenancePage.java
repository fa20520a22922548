package dev.diffusionlab.report.site;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/** The generated "Experiments" page: how every result on the report was produced. */
final class ProvenancePage {
  private ProvenancePage() {}

  static String html(ReportData data) {
    StringBuilder html = new StringBuilder();
    html.append("<p>Every figure and table on this site comes from one of these experiments. ")
        .append("Each ran once per configuration; its result is cached under a key derived from ")
        .append("its type, the version of the type's code, its parameters, its seed, the input ")
        .append("files it names and the keys of its dependencies. The same seed and profile give ")
        .append("the same outputs.</p>");
    html.append("<table class=\"data\"><thead><tr><th>experiment</th><th>type</th><th>profile</th>")
        .append("<th>seed</th><th>key</th><th>wall time</th></tr></thead><tbody>");
    for (Map.Entry<String, CacheEntry> e : data.entries().entrySet()) {
      CacheEntry entry = e.getValue();
      html.append("<tr><td><a href=\"#")
          .append(Html.escape(entry.id()))
          .append("\">")
          .append(Html.escape(entry.id()))
          .append("</a></td><td>")
          .append(Html.escape(entry.type()))
          .append("</td><td>")
          .append(Html.escape(entry.profile()))
          .append("</td><td class=\"num\">")
          .append(entry.seed())
          .append("</td><td><code>")
          .append(Html.escape(entry.key().substring(0, 12)))
          .append("</code></td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%.1f s", entry.wallSeconds()))
          .append("</td></tr>");
    }
    for (Map.Entry<String, String> missing : data.missing().entrySet()) {
      html.append("<tr class=\"missing-row\"><td>")
          .append(Html.escape(missing.getKey()))
          .append("</td><td colspan=\"5\">not available: ")
          .append(Html.escape(missing.getValue()))
          .append("</td></tr>");
    }
    html.append("</tbody></table>");
    for (CacheEntry entry : data.entries().values()) {
      JsonNode json = entry.json();
      html.append("<h2 id=\"")
          .append(Html.escape(entry.id()))
          .append("\">")
          .append(Html.escape(entry.id()))
          .append("</h2>");
      html.append("<dl class=\"provenance\">");
      item(
          html, "type", entry.type() + " (code version " + json.path("codeVersion").asText() + ")");
      item(html, "profile, seed", entry.profile() + ", " + entry.seed());
      item(
          html,
          "ran",
          json.path("started").asText()
              + ", "
              + String.format(Locale.ROOT, "%.1f s", entry.wallSeconds()));
      JsonNode machine = json.path("machine");
      item(
          html,
          "machine",
          machine.path("cpu").asText()
              + ", "
              + machine.path("cores").asText()
              + " cores, GPU: "
              + machine.path("gpu").asText());
      JsonNode versions = json.path("versions");
      item(
          html,
          "software",
          "diffusion-lab "
              + versions.path("diffusionLab").asText()
              + ", Java "
              + versions.path("java").asText()
              + ", DJL "
              + versions.path("djl").asText()
              + ", "
              + versions.path("engine").asText());
      html.append("</dl>");
      html.append("<details><summary>parameters and cache key</summary><pre>")
          .append(Html.escape(pretty(json.path("keyMaterial"))))
          .append("</pre></details>");
    }
    return html.toString();
  }

  private static void item(StringBuilder html, String name, String value) {
    html.append("<dt>")
        .append(Html.escape(name))
        .append("</dt><dd>")
        .append(Html.escape(value))
        .append("</dd>");
  }

  private static String pretty(JsonNode node) {
    try {
      return Json.files().writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
