package dev.diffusionlab.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter overrides applied on top of each experiment's params: first those for its type, then
 * those for its id; and the cluster resources its experiments' jobs ask for.
 *
 * @param pointer the JSON pointer of this profile in the manifest ("" if not written there)
 */
public record Profile(
    String name,
    Map<String, ObjectNode> byType,
    Map<String, ObjectNode> byId,
    String pointer,
    Resources resources) {
  public Profile {
    byType = Map.copyOf(byType);
    byId = Map.copyOf(byId);
  }

  /** A profile without resources. */
  public Profile(
      String name, Map<String, ObjectNode> byType, Map<String, ObjectNode> byId, String pointer) {
    this(name, byType, byId, pointer, Resources.NONE);
  }

  /**
   * This profile on top of {@code base}: base's overrides, then this one's, parameter by parameter.
   * Neither profile is changed.
   */
  public Profile over(Profile base) {
    return new Profile(
        name,
        merge(base.byType, byType),
        merge(base.byId, byId),
        pointer,
        resources.over(base.resources));
  }

  private static Map<String, ObjectNode> merge(
      Map<String, ObjectNode> base, Map<String, ObjectNode> own) {
    Map<String, ObjectNode> merged = new LinkedHashMap<>();
    base.forEach((key, value) -> merged.put(key, value.deepCopy()));
    own.forEach(
        (key, value) -> {
          ObjectNode target = merged.get(key);
          if (target == null) {
            merged.put(key, value);
          } else {
            target.setAll(value);
          }
        });
    return merged;
  }

  /** A profile that overrides nothing. */
  public static Profile empty(String name) {
    return new Profile(name, Map.of(), Map.of(), "");
  }
}
