package dev.diffusionlab.report.site;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * The site's search index: one record per page section (the text under an {@code h2} or {@code
 * h3}), written as {@code search-index.js}, a script that sets {@code window.SEARCH_INDEX}, so that
 * search works from {@code file://} where a page may not fetch a JSON file.
 */
final class SearchIndex {
  /** The most characters of a section's text kept in the index. */
  static final int TEXT_LIMIT = 1500;

  static final String FILE = "search-index.js";

  /** A section: its URL, heading, page title and text. */
  record Section(String url, String title, String page, String text) {}

  private final List<Section> sections = new ArrayList<>();

  /** Adds the sections of a page's body. */
  void add(String slug, String pageTitle, Document body) {
    String url = slug + ".html";
    String title = pageTitle;
    StringBuilder text = new StringBuilder();
    for (Element child : body.body().children()) {
      boolean heading = child.tagName().equals("h2") || child.tagName().equals("h3");
      if (heading && child.hasAttr("id")) {
        flush(url, title, pageTitle, text);
        url = slug + ".html#" + child.id();
        title = child.ownText().trim();
        text.setLength(0);
      } else {
        text.append(' ').append(textOf(child));
      }
    }
    flush(url, title, pageTitle, text);
  }

  List<Section> sections() {
    return List.copyOf(sections);
  }

  /** The script that holds the index. */
  String script() {
    List<Map<String, String>> records = new ArrayList<>();
    for (Section s : sections) {
      Map<String, String> record = new LinkedHashMap<>();
      record.put("u", s.url());
      record.put("t", s.title());
      record.put("p", s.page());
      record.put("x", s.text());
      records.add(record);
    }
    try {
      String json = new ObjectMapper().writeValueAsString(records);
      return "window.SEARCH_INDEX = " + json.replace("</", "<\\/") + ";\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the search index", e);
    }
  }

  private void flush(String url, String title, String page, StringBuilder text) {
    String clean = text.toString().replaceAll("\\s+", " ").trim();
    if (clean.isEmpty() && title.equals(page)) {
      return;
    }
    if (clean.length() > TEXT_LIMIT) {
      clean = clean.substring(0, TEXT_LIMIT);
    }
    sections.add(new Section(url, title, page, clean));
  }

  /** The readable text of an element: math by its TeX label, no SVG internals. */
  private static String textOf(Node node) {
    if (node instanceof TextNode text) {
      return text.text();
    }
    if (node instanceof Element element) {
      if (element.tagName().equals("svg")) {
        return "";
      }
      if (element.hasClass("math")) {
        Element svg = element.selectFirst("svg");
        return svg == null ? "" : " " + svg.attr("aria-label") + " ";
      }
      StringBuilder out = new StringBuilder();
      for (Node child : element.childNodes()) {
        out.append(textOf(child));
      }
      if (element.isBlock()) {
        out.append(' ');
      }
      return out.toString();
    }
    return "";
  }
}
