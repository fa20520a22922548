package dev.diffusionlab.report.site;

import java.awt.Color;
import java.awt.Insets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.swing.JLabel;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;
import org.scilab.forge.jlatexmath.ParseException;
import org.scilab.forge.jlatexmath.TeXConstants;
import org.scilab.forge.jlatexmath.TeXFormula;
import org.scilab.forge.jlatexmath.TeXIcon;

/**
 * Renders TeX to inline SVG at build time (JLaTeXMath drawn through JFreeSVG, glyphs as paths), so
 * formulas display offline and from {@code file://} with no script or font to load.
 */
public final class MathRenderer {
  private final Map<String, String> cache = new HashMap<>();
  private int counter;

  /** Commands whose arguments JLaTeXMath silently treats as empty when they are missing. */
  private static final Map<String, Integer> ARGUMENTS =
      Map.ofEntries(
          Map.entry("frac", 2),
          Map.entry("dfrac", 2),
          Map.entry("tfrac", 2),
          Map.entry("binom", 2),
          Map.entry("sqrt", 1),
          Map.entry("text", 1),
          Map.entry("mathrm", 1),
          Map.entry("mathbf", 1),
          Map.entry("mathcal", 1),
          Map.entry("mathbb", 1),
          Map.entry("operatorname", 1),
          Map.entry("hat", 1),
          Map.entry("bar", 1),
          Map.entry("tilde", 1),
          Map.entry("vec", 1),
          Map.entry("overline", 1));

  /**
   * Checks that TeX parses and draws something: JLaTeXMath accepts an unclosed brace, a script or a
   * fraction without its argument and an empty formula, and draws them as nothing.
   *
   * @throws IllegalArgumentException saying what is wrong with the formula
   */
  public static void check(String tex) {
    if (tex.isBlank()) {
      throw new IllegalArgumentException("empty formula");
    }
    checkStructure(tex);
    TeXFormula formula;
    try {
      formula = new TeXFormula(tex);
    } catch (ParseException e) {
      throw new IllegalArgumentException("cannot parse TeX '" + tex + "': " + e.getMessage(), e);
    }
    TeXIcon icon = formula.createTeXIcon(TeXConstants.STYLE_TEXT, 17f);
    if (icon.getTrueIconWidth() <= 0) {
      throw new IllegalArgumentException("TeX '" + tex + "' draws nothing");
    }
  }

  /** Balanced braces, and an argument for every script and for the commands that need one. */
  private static void checkStructure(String tex) {
    int depth = 0;
    for (int i = 0; i < tex.length(); i++) {
      char c = tex.charAt(i);
      if (c == '\\') {
        int end = i + 1;
        while (end < tex.length() && Character.isLetter(tex.charAt(end))) {
          end++;
        }
        String command = tex.substring(i + 1, end);
        int needed = ARGUMENTS.getOrDefault(command, 0);
        int at = end;
        for (int k = 0; k < needed; k++) {
          at = argumentEnd(tex, at, "\\" + command);
        }
        i = end == i + 1 ? i + 1 : end - 1;
      } else if (c == '^' || c == '_') {
        argumentEnd(tex, i + 1, "'" + c + "'");
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
    }
    if (depth > 0) {
      throw new IllegalArgumentException(
          "TeX '" + tex + "' has " + depth + " unclosed '{' (a '}' is missing)");
    }
  }

  /** Where the argument starting at {@code from} ends; fails if there is none. */
  private static int argumentEnd(String tex, int from, String owner) {
    int at = from;
    while (at < tex.length() && Character.isWhitespace(tex.charAt(at))) {
      at++;
    }
    if (at < tex.length() && tex.charAt(at) == '[' && owner.equals("\\sqrt")) {
      int close = tex.indexOf(']', at);
      at = close < 0 ? tex.length() : close + 1;
      return argumentEnd(tex, at, owner + "[...]");
    }
    if (at >= tex.length() || tex.charAt(at) == '}' || tex.charAt(at) == '&') {
      throw new IllegalArgumentException("TeX '" + tex + "': " + owner + " lacks its argument");
    }
    if (tex.charAt(at) == '{') {
      int depth = 0;
      for (int i = at; i < tex.length(); i++) {
        depth += tex.charAt(i) == '{' ? 1 : tex.charAt(i) == '}' ? -1 : 0;
        if (depth == 0) {
          return i + 1;
        }
      }
      return tex.length();
    }
    if (tex.charAt(at) == '\\') {
      int end = at + 1;
      while (end < tex.length() && Character.isLetter(tex.charAt(end))) {
        end++;
      }
      return Math.max(end, at + 2);
    }
    return at + 1;
  }

  /** An SVG element for the formula, as text or display (centred, larger) math. */
  public String render(String tex, boolean display) {
    String cacheKey = (display ? "D" : "T") + tex;
    String cached = cache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    TeXFormula formula = new TeXFormula(tex);
    TeXIcon icon =
        formula.new TeXIconBuilder()
            .setStyle(display ? TeXConstants.STYLE_DISPLAY : TeXConstants.STYLE_TEXT)
            .setSize(display ? 19f : 17f)
            .build();
    icon.setInsets(new Insets(1, 1, 1, 1));
    icon.setForeground(new Color(0x1a1a1a));
    int width = icon.getIconWidth();
    int height = icon.getIconHeight();
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    g.setRenderingHint(SVGHints.KEY_DRAW_STRING_TYPE, SVGHints.VALUE_DRAW_STRING_TYPE_VECTOR);
    // Stable, unique ids keep the page byte-identical across builds and avoid clashes.
    g.setDefsKeyPrefix("m" + (counter++));
    icon.paintIcon(new JLabel(), g, 0, 0);
    String svg =
        g.getSVGElement(null, true, null, null, null)
            // HTML5 allows no other namespaces on inline SVG.
            .replaceAll("\\s+xmlns:jfreesvg\\s*=\\s*(\"[^\"]*\"|'[^']*')", "")
            .replaceAll("\\s+jfreesvg:[A-Za-z-]+\\s*=\\s*(\"[^\"]*\"|'[^']*')", "")
            // The icon's size is whole pixels; HTML wants it without JFreeSVG's ".0".
            .replaceFirst(" width=(['\"])(\\d+)\\.0\\1", " width=\"$2\"")
            .replaceFirst(" height=(['\"])(\\d+)\\.0\\1", " height=\"$2\"")
            .replaceFirst(
                "<svg ",
                java.util.regex.Matcher.quoteReplacement(
                    "<svg role=\"img\" aria-label=\"" + escape(tex) + "\" "));
    String html;
    if (display) {
      html = "<div class=\"math display\">" + svg + "</div>";
    } else {
      double depth = icon.getIconDepth();
      html =
          String.format(
              Locale.ROOT,
              "<span class=\"math inline\" style=\"vertical-align:-%.1fpx\">%s</span>",
              depth,
              svg);
    }
    cache.put(cacheKey, html);
    return html;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }
}
