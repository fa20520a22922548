package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.util.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Explains why a key has no entry by comparing its material with the newest older entry's. */
final class StaleReason {
  private StaleReason() {}

  /** For example "params.epochs 5 → 3; dependency denoiser-train changed". */
  static String explain(JsonNode current, JsonNode previous) {
    List<String> reasons = new ArrayList<>();
    if (!same(current.path("version"), previous.path("version"))) {
      reasons.add("code version " + previous.path("version") + " → " + current.path("version"));
    }
    if (!same(current.path("seed"), previous.path("seed"))) {
      reasons.add("seed " + previous.path("seed") + " → " + current.path("seed"));
    }
    diff("params", current.path("params"), previous.path("params"), reasons);
    changedNames("input", current.path("inputs"), previous.path("inputs"), reasons);
    changedNames(
        "dependency", current.path("dependencies"), previous.path("dependencies"), reasons);
    return reasons.isEmpty() ? "configuration changed" : String.join("; ", reasons);
  }

  /** Equality of values as JSON text, so an int read back from a file equals a long. */
  private static boolean same(JsonNode a, JsonNode b) {
    return Json.canonical(a).equals(Json.canonical(b));
  }

  private static void diff(String prefix, JsonNode now, JsonNode before, List<String> reasons) {
    TreeSet<String> names = new TreeSet<>();
    now.fieldNames().forEachRemaining(names::add);
    before.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode a = before.get(name);
      JsonNode b = now.get(name);
      if (a == null || b == null || !same(a, b)) {
        reasons.add(
            prefix
                + "."
                + name
                + " "
                + (a == null ? "(none)" : a)
                + " → "
                + (b == null ? "(none)" : b));
      }
    }
  }

  private static void changedNames(
      String what, JsonNode now, JsonNode before, List<String> reasons) {
    TreeSet<String> names = new TreeSet<>();
    for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!now.get(name).equals(before.get(name))) {
        names.add(name);
      }
    }
    before
        .fieldNames()
        .forEachRemaining(
            n -> {
              if (!now.has(n)) {
                names.add(n);
              }
            });
    for (String name : names) {
      reasons.add(what + " " + name + " changed");
    }
  }
}
