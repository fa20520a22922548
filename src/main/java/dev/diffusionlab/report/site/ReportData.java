package dev.diffusionlab.report.site;

import dev.diffusionlab.run.CacheEntry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the pages may reference: the finished entries by experiment id, and for experiments of the
 * manifest without an entry, why (failed, skipped, not built).
 *
 * @param profile the profile the build ran under
 * @param order the experiment ids in the manifest's order (the experiments page lists them so); ids
 *     of {@code entries} and {@code missing} that it lacks follow in their maps' order
 */
public record ReportData(
    String title,
    String profile,
    Map<String, CacheEntry> entries,
    Map<String, String> missing,
    List<String> order) {
  public ReportData {
    entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    missing = Collections.unmodifiableMap(new LinkedHashMap<>(missing));
    Set<String> known = new LinkedHashSet<>(entries.keySet());
    known.addAll(missing.keySet());
    Set<String> all = new LinkedHashSet<>(order);
    all.retainAll(known);
    all.addAll(known);
    order = List.copyOf(all);
  }

  /** Data whose experiments are listed in the order of the maps. */
  public ReportData(
      String title, String profile, Map<String, CacheEntry> entries, Map<String, String> missing) {
    this(title, profile, entries, missing, List.of());
  }

  /** Every experiment id, sorted (for messages that list them). */
  public Set<String> ids() {
    return new TreeSet<>(order);
  }
}
