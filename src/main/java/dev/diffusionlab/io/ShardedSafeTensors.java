package dev.diffusionlab.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A state dict split over several safetensors shards, as Hugging Face writes large models: an index
 * JSON ({@code *.safetensors.index.json}) whose {@code weight_map} maps every tensor name to the
 * shard file (in the same folder) that holds it.
 */
public final class ShardedSafeTensors implements TensorStore {
  /** The largest index read; DeepFloyd IF's lists a few thousand names in about 100 KB. */
  public static final long MAX_INDEX_BYTES = 16L << 20;

  private final Map<String, SafeTensors> byName;
  private final Map<String, SafeTensors> shards;

  private ShardedSafeTensors(Map<String, SafeTensors> byName, Map<String, SafeTensors> shards) {
    this.byName = byName;
    this.shards = shards;
  }

  /**
   * Opens every shard named by the index and checks that each listed tensor is in its shard.
   *
   * @throws TensorFileException if the index is malformed, a shard is missing or malformed, or a
   *     shard lacks a tensor the index assigns to it
   */
  public static ShardedSafeTensors open(Path indexFile) throws IOException {
    JsonNode weightMap = readWeightMap(indexFile);
    Map<String, SafeTensors> shards = new LinkedHashMap<>();
    Map<String, SafeTensors> byName = new LinkedHashMap<>();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String shardName = entry.getValue().asText();
        if (!entry.getValue().isTextual() || !isPlainFileName(shardName)) {
          throw new TensorFileException(
              indexFile, "weight_map." + entry.getKey() + " must name a file in the same folder");
        }
        Path shardPath = indexFile.resolveSibling(shardName);
        if (!Files.isRegularFile(shardPath)) {
          throw new TensorFileException(
              indexFile, "weight_map names shard '" + shardName + "', which does not exist");
        }
        SafeTensors shard = shards.get(shardName);
        if (shard == null) {
          shard = SafeTensors.open(shardPath);
          shards.put(shardName, shard);
        }
        if (!shard.names().contains(entry.getKey())) {
          throw new TensorFileException(
              shardPath, "the index lists tensor '" + entry.getKey() + "' here but it is absent");
        }
        byName.put(entry.getKey(), shard);
      }
    } catch (IOException | RuntimeException e) {
      for (SafeTensors shard : shards.values()) {
        shard.close();
      }
      throw e;
    }
    return new ShardedSafeTensors(byName, shards);
  }

  private static boolean isPlainFileName(String name) {
    return !name.isEmpty()
        && !name.equals(".")
        && !name.equals("..")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0;
  }

  private static JsonNode readWeightMap(Path indexFile) throws IOException {
    long size = Files.size(indexFile);
    if (size > MAX_INDEX_BYTES) {
      throw new TensorFileException(
          indexFile,
          "index of "
              + ReadLimits.describeBytes(size)
              + " is larger than the limit of "
              + ReadLimits.describeBytes(MAX_INDEX_BYTES));
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(indexFile));
    } catch (JsonProcessingException e) {
      throw new TensorFileException(indexFile, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new TensorFileException(indexFile, "missing object field 'weight_map'");
    }
    return weightMap;
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(byName.keySet());
  }

  @Override
  public TensorInfo info(String name) {
    return shard(name).info(name);
  }

  @Override
  public NDArray load(String name, NDManager manager, DataType target) throws IOException {
    return shard(name).load(name, manager, target);
  }

  private SafeTensors shard(String name) {
    SafeTensors shard = byName.get(name);
    if (shard == null) {
      throw new IllegalArgumentException("no tensor named '" + name + "' in the sharded index");
    }
    return shard;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafeTensors shard : shards.values()) {
      try {
        shard.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
