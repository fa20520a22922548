package dev.diffusionlab.report.site;

import dev.diffusionlab.run.CacheEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Turns images that stand alone in a paragraph into numbered figures with a caption (the image's
 * alt text) and a note of the experiment, profile and seed that produced them; numbers the tables;
 * replaces references to missing outputs by a visible placeholder.
 */
final class Figures {
  /** What a cross-reference to a figure or table that this build could not make reads. */
  static final String NOT_AVAILABLE = "Figure (not available)";

  private Figures() {}

  /**
   * A numbered figure or table of a page.
   *
   * @param id its anchor: the page's {@code {#fig-x}}, or {@code figure-N} / {@code table-N}
   * @param label "Figure N" or "Table N"
   * @param experiment the id of the experiment that made it, or null
   */
  record Numbered(String id, String label, String experiment) {}

  /** Decorates a page's body and returns its figures and tables, in page order. */
  static List<Numbered> decorate(Document body, ReportData data, Assets assets) {
    List<Numbered> numbered = new ArrayList<>();
    int number = 0;
    for (Element img : body.select("img")) {
      String src = img.attr("src");
      Element paragraph = img.parent();
      boolean alone =
          paragraph != null
              && paragraph.tagName().equals("p")
              && paragraph.children().size() == 1
              && paragraph.ownText().isBlank();
      if (src.startsWith(MarkdownRenderer.MISSING_PREFIX)) {
        String id = src.substring(MarkdownRenderer.MISSING_PREFIX.length());
        String why = data.missing().getOrDefault(id, "not built");
        Element placeholder =
            (alone ? paragraph : img).after(Html.missing(id, why)).nextElementSibling();
        if (!img.id().isEmpty() && placeholder != null) {
          placeholder.id(img.id());
          numbered.add(new Numbered(img.id(), NOT_AVAILABLE, id));
        }
        (alone ? paragraph : img).remove();
        continue;
      }
      if (!alone) {
        continue;
      }
      number++;
      Element figure = new Element("figure");
      figure.id(img.id().isEmpty() ? "figure-" + number : img.id());
      img.removeAttr("id");
      img.attr("loading", "lazy");
      Element link = new Element("a").attr("href", src);
      link.appendChild(img.clone());
      figure.appendChild(link);
      Element caption = figure.appendElement("figcaption");
      caption.appendElement("span").addClass("label").text("Figure " + number + ".");
      appendWithCrossReferences(caption, " " + img.attr("alt") + " ");
      CacheEntry entry = entryOf(src, data);
      if (entry != null) {
        caption.append(Html.provenance(entry));
        FigureMedia.dress(
            figure,
            link,
            figure.selectFirst("img"),
            caption,
            entry,
            src.substring(src.indexOf('/', Assets.FOLDER.length() + 1) + 1),
            assets);
      }
      paragraph.replaceWith(figure);
      numbered.add(
          new Numbered(figure.id(), "Figure " + number, entry == null ? null : entry.id()));
    }
    int tables = 0;
    for (Element table : body.select("figure.table")) {
      tables++;
      if (table.id().isEmpty()) {
        table.id("table-" + tables);
      }
      Element caption = table.selectFirst("figcaption");
      if (caption != null) {
        caption
            .prependText(" ")
            .prependElement("span")
            .addClass("label")
            .text("Table " + tables + ".");
      }
      Element provenance = table.selectFirst(".provenance a[href]");
      String experiment =
          provenance == null ? null : provenance.attr("href").replaceFirst("^[^#]*#", "");
      numbered.add(new Numbered(table.id(), "Table " + tables, experiment));
    }
    for (Element missing : body.select("div.missing[id^=tbl-]")) {
      numbered.add(new Numbered(missing.id(), NOT_AVAILABLE, null));
    }
    for (Element link : body.select("a[href^=" + MarkdownRenderer.MISSING_PREFIX + "]")) {
      String id = link.attr("href").substring(MarkdownRenderer.MISSING_PREFIX.length());
      link.replaceWith(
          new Element("span")
              .addClass("missing-link")
              .attr("title", data.missing().getOrDefault(id, "not built"))
              .text(link.text()));
    }
    return numbered;
  }

  /** Captions come from alt text, which Markdown does not parse: find cross-references here. */
  private static void appendWithCrossReferences(Element caption, String text) {
    Matcher m = MarkdownRenderer.CROSS_REFERENCE.matcher(text);
    int last = 0;
    while (m.find()) {
      caption.appendText(text.substring(last, m.start()));
      caption.append(CrossReferences.marker(m.group(1), 0));
      last = m.end();
    }
    caption.appendText(text.substring(last));
  }

  /** The entry behind an {@code assets/<id>/<file>} URL. */
  private static CacheEntry entryOf(String src, ReportData data) {
    String prefix = Assets.FOLDER + "/";
    if (!src.startsWith(prefix)) {
      return null;
    }
    String rest = src.substring(prefix.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? null : data.entries().get(rest.substring(0, slash));
  }
}
