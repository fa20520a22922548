package dev.diffusionlab.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One experiment as the manifest writes it, before parameters are bound to its type.
 *
 * @param pointer the JSON pointer of this experiment in the manifest, for error locations
 */
public record ExperimentSpec(
    String id, String type, long seed, ObjectNode params, List<String> dependsOn, String pointer) {
  public ExperimentSpec {
    dependsOn = List.copyOf(dependsOn);
    params = params.deepCopy();
  }

  @Override
  public ObjectNode params() {
    return params.deepCopy();
  }
}
