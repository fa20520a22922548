package dev.diffusionlab.report.site;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Resolves {@code @fig-x} and {@code @tbl-x} across the site once every page's figures and tables
 * are numbered: a reference becomes a link reading "Figure N" (and the page's title when the figure
 * is on another page); an unknown anchor is an error naming the page and line.
 */
final class CrossReferences {
  private static final String MARKER_CLASS = "xref-pending";

  /** A numbered figure or table and the page it is on. */
  record Target(String slug, String pageTitle, Figures.Numbered figure) {
    String href(String fromSlug) {
      return (slug.equals(fromSlug) ? "" : slug + ".html") + "#" + figure.id();
    }
  }

  private final List<Target> all = new ArrayList<>();
  private final Map<String, Target> anchors = new LinkedHashMap<>();

  /**
   * Indexes the numbered figures and tables of every page.
   *
   * @throws RenderException if two pages define the same anchor
   */
  CrossReferences(Map<PageSource, List<Figures.Numbered>> pages) {
    for (Map.Entry<PageSource, List<Figures.Numbered>> page : pages.entrySet()) {
      PageSource source = page.getKey();
      for (Figures.Numbered figure : page.getValue()) {
        Target target = new Target(source.slug(), source.title(), figure);
        all.add(target);
        Target previous = isAnchor(figure.id()) ? anchors.putIfAbsent(figure.id(), target) : null;
        if (previous != null) {
          throw new RenderException(
              source.file(),
              lineOf(source, "#" + figure.id()),
              "anchor #" + figure.id() + " is also defined on " + previous.slug() + ".md");
        }
      }
    }
  }

  /** The HTML that stands for a reference until {@link #resolve} replaces it. */
  static String marker(String anchor, int line) {
    return "<a class=\""
        + MARKER_CLASS
        + "\" data-anchor=\""
        + Html.escape(anchor)
        + "\" data-line=\""
        + line
        + "\">@"
        + Html.escape(anchor)
        + "</a>";
  }

  /**
   * Replaces the page's reference markers by links.
   *
   * @throws RenderException naming the page and line of a reference to an unknown anchor
   */
  void resolve(PageSource page, Document body) {
    for (Element marker : body.select("a." + MARKER_CLASS)) {
      String anchor = marker.attr("data-anchor");
      Target target = anchors.get(anchor);
      if (target == null) {
        int line = Integer.parseInt(marker.attr("data-line"));
        throw new RenderException(
            page.file(),
            line > 0 ? line : lineOf(page, "@" + anchor),
            "unknown cross-reference @" + anchor + "; " + known(anchor.substring(0, 4)));
      }
      String text = target.figure().label();
      if (!target.slug().equals(page.slug())) {
        text += " of “" + target.pageTitle() + "”";
      }
      Element link = new Element("a").addClass("xref").attr("href", target.href(page.slug()));
      marker.replaceWith(link.text(text));
    }
  }

  /** For each experiment, the figures and tables that show its outputs, in page order. */
  Map<String, List<Target>> byExperiment() {
    Map<String, List<Target>> uses = new LinkedHashMap<>();
    for (Target target : all) {
      String experiment = target.figure().experiment();
      if (experiment != null && !target.figure().label().equals(Figures.NOT_AVAILABLE)) {
        uses.computeIfAbsent(experiment, k -> new ArrayList<>()).add(target);
      }
    }
    return uses;
  }

  private String known(String prefix) {
    List<String> known =
        anchors.keySet().stream().filter(a -> a.startsWith(prefix)).sorted().toList();
    return known.isEmpty()
        ? "the pages define no " + prefix + "<anchor>"
        : "the pages define " + known.stream().map(a -> "#" + a).collect(Collectors.joining(", "));
  }

  /** Anchors written on a page ({@code fig-x}, {@code tbl-x}), not the generated figure-N. */
  private static boolean isAnchor(String id) {
    return id.startsWith("fig-") || id.startsWith("tbl-");
  }

  /** The first line of the page's Markdown holding {@code text}, or 0. */
  private static int lineOf(PageSource page, String text) {
    String[] lines = page.markdown().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(text)) {
        return i + 1;
      }
    }
    return 0;
  }
}
