package dev.diffusionlab.report.site;

import dev.diffusionlab.run.CacheEntry;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Turns images that stand alone in a paragraph into numbered figures with a caption (the image's
 * alt text) and a note of the experiment, profile and seed that produced them; replaces references
 * to missing outputs by a visible placeholder.
 */
final class Figures {
  private Figures() {}

  static void decorate(Document body, ReportData data) {
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
        (alone ? paragraph : img).after(Html.missing(id, why));
        (alone ? paragraph : img).remove();
        continue;
      }
      if (!alone) {
        continue;
      }
      number++;
      Element figure = new Element("figure");
      if (!img.id().isEmpty()) {
        figure.id(img.id());
        img.removeAttr("id");
      }
      img.attr("loading", "lazy");
      Element link = new Element("a").attr("href", src);
      link.appendChild(img.clone());
      figure.appendChild(link);
      Element caption = figure.appendElement("figcaption");
      caption.appendElement("span").addClass("label").text("Figure " + number + ".");
      caption.appendText(" " + img.attr("alt") + " ");
      CacheEntry entry = entryOf(src, data);
      if (entry != null) {
        caption.append(Html.provenance(entry));
      }
      paragraph.replaceWith(figure);
    }
    for (Element link : body.select("a[href^=" + MarkdownRenderer.MISSING_PREFIX + "]")) {
      String id = link.attr("href").substring(MarkdownRenderer.MISSING_PREFIX.length());
      link.replaceWith(
          new Element("span")
              .addClass("missing-link")
              .attr("title", data.missing().getOrDefault(id, "not built"))
              .text(link.text()));
    }
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
