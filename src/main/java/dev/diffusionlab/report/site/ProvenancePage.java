package dev.diffusionlab.report.site;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The generated "Experiments" page: how every result on the report was produced, one row per
 * experiment in the manifest's order, each linked to the figures and tables that show it (whose
 * provenance notes link back to the row).
 */
final class ProvenancePage {
  private ProvenancePage() {}

  /**
   * The page's body.
   *
   * @param uses for each experiment id, the figures and tables that show its outputs
   */
  static String html(ReportData data, Map<String, List<CrossReferences.Target>> uses) {
    StringBuilder html = new StringBuilder();
    html.append("<p>Every figure and table on this site comes from one of these experiments. ")
        .append("Each ran once per configuration; its result is cached under a key derived from ")
        .append("its type, the version of the type's code, its parameters, its seed, the input ")
        .append("files it names and the keys of its dependencies. Fields marked “not recorded” ")
        .append("were added to the provenance after the entry was computed.</p>");
    html.append("<table class=\"data\"><thead><tr><th>experiment</th><th>type</th><th>profile</th>")
        .append("<th>seed</th><th>ran</th><th>wall time</th><th>shown in</th></tr></thead><tbody>");
    for (String id : data.order()) {
      CacheEntry entry = data.entries().get(id);
      if (entry == null) {
        html.append("<tr class=\"missing-row\" id=\"")
            .append(Html.escape(id))
            .append("\"><td>")
            .append(Html.escape(id))
            .append("</td><td colspan=\"6\">not available: ")
            .append(Html.escape(data.missing().get(id)))
            .append("</td></tr>");
        continue;
      }
      html.append("<tr id=\"")
          .append(Html.escape(id))
          .append("\"><td><a href=\"#")
          .append(Html.escape(detailsId(id)))
          .append("\">")
          .append(Html.escape(id))
          .append("</a></td><td>")
          .append(Html.escape(entry.type()))
          .append("</td><td>")
          .append(Html.escape(entry.profile()))
          .append("</td><td class=\"num\">")
          .append(entry.seed())
          .append("</td><td>")
          .append(Html.escape(Readable.instant(entry.json().path("started").asText())))
          .append("</td><td class=\"num\">")
          .append(Html.escape(Readable.duration(entry.wallSeconds())))
          .append("</td><td>")
          .append(usesHtml(uses.getOrDefault(id, List.of())))
          .append("</td></tr>");
    }
    html.append("</tbody></table>");
    for (String id : data.order()) {
      CacheEntry entry = data.entries().get(id);
      if (entry != null) {
        details(html, entry, uses.getOrDefault(id, List.of()));
      }
    }
    return html.toString();
  }

  private static void details(
      StringBuilder html, CacheEntry entry, List<CrossReferences.Target> uses) {
    JsonNode json = entry.json();
    html.append("<h2 id=\"")
        .append(Html.escape(detailsId(entry.id())))
        .append("\">")
        .append(Html.escape(entry.id()))
        .append("</h2>");
    html.append("<dl class=\"provenance\">");
    item(html, "type", entry.type() + " (code version " + json.path("codeVersion").asText() + ")");
    item(html, "profile, seed", entry.profile() + ", " + entry.seed());
    item(
        html,
        "ran",
        Readable.instant(json.path("started").asText())
            + ", "
            + Readable.duration(entry.wallSeconds()));
    JsonNode machine = json.path("machine");
    item(
        html,
        "machine",
        machine.path("cpu").asText()
            + ", "
            + machine.path("cores").asText()
            + " cores, PyTorch threads: "
            + recorded(machine.path("threads"))
            + ", GPU: "
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
    item(html, "commit", recorded(json.path("commit")));
    html.append("<dt>shown in</dt><dd>").append(usesHtml(uses)).append("</dd>");
    html.append("</dl>");
    html.append("<details><summary>parameters and cache key</summary><pre>")
        .append(Html.escape(pretty(json.path("keyMaterial"))))
        .append("</pre></details>");
  }

  /** Links to the figures and tables that show an experiment, or a dash. */
  private static String usesHtml(List<CrossReferences.Target> uses) {
    if (uses.isEmpty()) {
      return "—";
    }
    StringBuilder html = new StringBuilder();
    for (CrossReferences.Target use : uses) {
      if (html.length() > 0) {
        html.append(", ");
      }
      html.append("<a href=\"")
          .append(Html.escape(use.href(SiteBuilder.EXPERIMENTS_SLUG)))
          .append("\">")
          .append(Html.escape(use.pageTitle() + ", " + use.figure().label()))
          .append("</a>");
    }
    return html.toString();
  }

  private static String recorded(JsonNode field) {
    return field.isMissingNode() || field.isNull() ? ValueReferences.NOT_RECORDED : field.asText();
  }

  private static String detailsId(String id) {
    return "details-" + id;
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
