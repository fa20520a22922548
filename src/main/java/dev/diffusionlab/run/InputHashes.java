package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 of input files outside {@code content/} (DeepFloyd weights, prompt embeddings), which may
 * be gigabytes: each file is hashed once and its hash remembered by real path, size and
 * modification time in a small JSON index, so planning a build stays fast.
 */
public final class InputHashes {
  private final Path index;
  private final ObjectMapper json = Json.files();
  private ObjectNode entries;
  private boolean changed;

  /**
   * @param index the JSON file that remembers hashes (created when first needed)
   */
  public InputHashes(Path index) {
    this.index = index;
  }

  /** The index in the user's cache folder ({@code $XDG_CACHE_HOME} or {@code ~/.cache}). */
  public static InputHashes standard() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return new InputHashes(cache.resolve("diffusion-lab").resolve("input-hashes.json"));
  }

  /**
   * Hashes of a file, or of every regular file directly in a folder (links followed: the Hugging
   * Face cache links snapshot files to its blobs), keyed by {@code name} and {@code name/<file
   * name>}. Nothing for a path that does not exist.
   */
  public Map<String, String> hashes(String name, Path path) {
    Map<String, String> hashes = new TreeMap<>();
    if (Files.isRegularFile(path)) {
      hashes.put(name, sha256(path));
    } else if (Files.isDirectory(path)) {
      for (Path file : filesIn(path)) {
        hashes.put(name + "/" + file.getFileName(), sha256(file));
      }
    }
    save();
    return hashes;
  }

  private static List<Path> filesIn(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  private String sha256(Path file) {
    try {
      String real = file.toRealPath().toString();
      long size = Files.size(file);
      long modified = Files.getLastModifiedTime(file).toMillis();
      JsonNode known = entries().path(real);
      if (known.path("bytes").asLong(-1) == size
          && known.path("modified").asLong(-1) == modified
          && known.path("sha256").isTextual()) {
        return known.path("sha256").asText();
      }
      String hash = Hashing.sha256(file);
      entries().putObject(real).put("bytes", size).put("modified", modified).put("sha256", hash);
      changed = true;
      return hash;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private ObjectNode entries() {
    if (entries == null) {
      entries = json.createObjectNode();
      try {
        if (Files.isRegularFile(index)
            && json.readTree(index.toFile()) instanceof ObjectNode read) {
          entries = read;
        }
      } catch (IOException unreadable) {
        // A damaged index only costs hashing again; it is rewritten below.
        changed = true;
      }
    }
    return entries;
  }

  // Written to a temporary file and renamed, so a reader never sees half an index.
  private void save() {
    if (!changed) {
      return;
    }
    try {
      Files.createDirectories(index.getParent());
      Path tmp = Files.createTempFile(index.getParent(), "input-hashes", ".tmp");
      json.writeValue(tmp.toFile(), entries);
      try {
        Files.move(tmp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING);
      }
      changed = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + index, e);
    }
  }
}
