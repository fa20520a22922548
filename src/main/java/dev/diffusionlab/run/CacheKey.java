package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cache key of an experiment: SHA-256 of the canonical JSON of its type, the type's code
 * version, its params after defaults and profile, its seed, the bytes of the content files its
 * params name, and the keys of its dependencies.
 *
 * @param hash the full hex digest
 * @param material the canonical JSON that was hashed, kept for provenance and "stale because"
 */
public record CacheKey(String hash, JsonNode material) {

  /** Length of the key prefix used as the entry's folder name. */
  public static final int FOLDER_LENGTH = 16;

  public static CacheKey of(
      String type,
      int codeVersion,
      JsonNode params,
      long seed,
      Map<String, String> inputHashes,
      Map<String, String> dependencyKeys) {
    ObjectNode material = JsonNodeFactory.instance.objectNode();
    material.put("type", type);
    material.put("version", codeVersion);
    material.set("params", params);
    material.put("seed", seed);
    ObjectNode inputs = material.putObject("inputs");
    new TreeMap<>(inputHashes).forEach(inputs::put);
    ObjectNode deps = material.putObject("dependencies");
    new TreeMap<>(dependencyKeys).forEach(deps::put);
    JsonNode canonical = Json.sorted(material);
    return new CacheKey(Hashing.sha256(Json.canonical(canonical)), canonical);
  }

  /** The folder name of the entry: a prefix of the hash. */
  public String folder() {
    return hash.substring(0, FOLDER_LENGTH);
  }
}
