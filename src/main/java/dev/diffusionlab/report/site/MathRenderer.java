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

  /**
   * Checks that TeX parses.
   *
   * @throws IllegalArgumentException with JLaTeXMath's message if it does not
   */
  public static void check(String tex) {
    try {
      new TeXFormula(tex);
    } catch (ParseException e) {
      throw new IllegalArgumentException("cannot parse TeX '" + tex + "': " + e.getMessage(), e);
    }
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
            .replaceFirst("<svg ", "<svg role=\"img\" aria-label=\"" + escape(tex) + "\" ");
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
