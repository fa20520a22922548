package dev.diffusionlab.report.site;

import dev.diffusionlab.run.CacheEntry;
import java.util.Map;
import java.util.Set;

/**
 * What the pages may reference: the finished entries by experiment id, and for experiments of the
 * manifest without an entry, why (failed, skipped, not built).
 *
 * @param profile the profile the build ran under
 */
public record ReportData(
    String title, String profile, Map<String, CacheEntry> entries, Map<String, String> missing) {
  public ReportData {
    entries = Map.copyOf(entries);
    missing = Map.copyOf(missing);
  }

  public Set<String> ids() {
    Set<String> ids = new java.util.TreeSet<>(entries.keySet());
    ids.addAll(missing.keySet());
    return ids;
  }
}
