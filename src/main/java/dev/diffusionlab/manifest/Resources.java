package dev.diffusionlab.manifest;

import java.util.LinkedHashMap;
import java.util.Map;

/** A profile's cluster resources: per experiment type, then per id (which wins, field by field). */
public record Resources(Map<String, JobResources> byType, Map<String, JobResources> byId) {
  /** No resources asked for. */
  public static final Resources NONE = new Resources(Map.of(), Map.of());

  public Resources {
    byType = Map.copyOf(byType);
    byId = Map.copyOf(byId);
  }

  /** What the job of experiment {@code id} of type {@code type} asks for. */
  public JobResources of(String type, String id) {
    return byId.getOrDefault(id, JobResources.NONE)
        .over(byType.getOrDefault(type, JobResources.NONE));
  }

  /** These resources on top of {@code base}'s, field by field. */
  public Resources over(Resources base) {
    return new Resources(merge(base.byType, byType), merge(base.byId, byId));
  }

  private static Map<String, JobResources> merge(
      Map<String, JobResources> base, Map<String, JobResources> own) {
    Map<String, JobResources> merged = new LinkedHashMap<>(base);
    own.forEach((key, value) -> merged.merge(key, value, (old, mine) -> mine.over(old)));
    return merged;
  }
}
