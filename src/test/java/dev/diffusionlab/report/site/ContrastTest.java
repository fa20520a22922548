package dev.diffusionlab.report.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Text colours of the stylesheet meet WCAG AA (contrast ratio at least 4.5:1) against the
 * backgrounds they are drawn on, in the light and the dark scheme.
 */
class ContrastTest {
  private static final Pattern VARIABLE = Pattern.compile("--([a-z0-9-]+):\\s*(#[0-9a-fA-F]{6})");

  /** Text colour, background colour. */
  private static final List<List<String>> PAIRS =
      List.of(
          List.of("fg", "bg"),
          List.of("fg", "bg-soft"),
          List.of("muted", "bg"),
          List.of("muted", "bg-soft"),
          List.of("accent", "bg"),
          List.of("warn", "warn-bg"));

  /** WCAG 2 relative luminance of an sRGB colour #rrggbb. */
  static double luminance(String hex) {
    double[] weights = {0.2126, 0.7152, 0.0722};
    double y = 0;
    for (int i = 0; i < 3; i++) {
      double c = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
      c = c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      y += weights[i] * c;
    }
    return y;
  }

  static double ratio(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  @Test
  void ratioMatchesWcagReferenceValues() {
    assertEquals(21.0, ratio("#000000", "#ffffff"), 1e-9);
    assertEquals(1.0, ratio("#777777", "#777777"), 1e-9);
    // #767676 on white is the classic lightest AA grey: 4.54:1.
    assertEquals(4.54, ratio("#767676", "#ffffff"), 0.005);
  }

  @Test
  void everyTextColourMeetsAaInBothSchemes() throws IOException {
    String css = Files.readString(Path.of("templates/static/style.css"));
    int dark = css.indexOf("prefers-color-scheme: dark");
    assertTrue(dark > 0, "the stylesheet has a dark scheme");
    Map<String, String> light = variables(css.substring(0, dark));
    Map<String, String> night = new HashMap<>(light);
    night.putAll(variables(css.substring(dark, css.indexOf('}', css.indexOf('{', dark) + 1))));
    for (Map<String, String> scheme : List.of(light, night)) {
      for (List<String> pair : PAIRS) {
        String fg = scheme.get(pair.get(0));
        String bg = scheme.get(pair.get(1));
        double r = ratio(fg, bg);
        assertTrue(r >= 4.5, pair + " " + fg + " on " + bg + " is " + r + ":1");
      }
    }
  }

  private static Map<String, String> variables(String block) {
    Map<String, String> vars = new HashMap<>();
    Matcher m = VARIABLE.matcher(block);
    while (m.find()) {
      vars.put(m.group(1), m.group(2));
    }
    return vars;
  }
}
