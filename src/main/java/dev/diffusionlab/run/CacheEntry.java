package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A finished experiment in the cache: its folder and what {@code entry.json} says about it.
 *
 * @param dir the entry folder {@code results/<id>/<key prefix>/}
 * @param json the whole {@code entry.json} (provenance: config, seed, profile, timings, versions)
 */
public record CacheEntry(
    Path dir, String id, String type, String key, List<OutputRecord> outputs, JsonNode json) {
  public CacheEntry {
    outputs = List.copyOf(outputs);
  }

  public Optional<OutputRecord> output(String file) {
    return outputs.stream().filter(o -> o.file().equals(file)).findFirst();
  }

  /** Seconds the run took, from provenance. */
  public double wallSeconds() {
    return json.path("wallSeconds").asDouble();
  }

  public String profile() {
    return json.path("profile").asText();
  }

  public long seed() {
    return json.path("seed").asLong();
  }
}
