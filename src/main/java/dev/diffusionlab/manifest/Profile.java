package dev.diffusionlab.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Parameter overrides applied on top of each experiment's params: first those for its type, then
 * those for its id.
 *
 * @param pointer the JSON pointer of this profile in the manifest ("" if not written there)
 */
public record Profile(
    String name, Map<String, ObjectNode> byType, Map<String, ObjectNode> byId, String pointer) {
  public Profile {
    byType = Map.copyOf(byType);
    byId = Map.copyOf(byId);
  }

  /** A profile that overrides nothing. */
  public static Profile empty(String name) {
    return new Profile(name, Map.of(), Map.of(), "");
  }
}
