package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.util.FileTrees;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The experiment cache on disk: {@code <root>/<id>/<key prefix>/} holds one finished entry with its
 * outputs and {@code entry.json}. An entry appears only complete: it is computed in {@code
 * <root>/<id>/.work-<key prefix>/} and renamed into place when done.
 */
public final class ResultsStore {
  static final String ENTRY_FILE = "entry.json";
  private static final String WORK_PREFIX = ".work-";
  private static final Pattern KEY_FOLDER =
      Pattern.compile("[0-9a-f]{" + CacheKey.FOLDER_LENGTH + "}");

  private final Path root;
  private final ObjectMapper json = Json.files();

  public ResultsStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The folder of the entry for this id and key (which may not exist). */
  public Path entryDir(String id, CacheKey key) {
    return root.resolve(id).resolve(key.folder());
  }

  /** The work folder where the entry is computed before it is renamed into place. */
  public Path workDir(String id, CacheKey key) {
    return root.resolve(id).resolve(WORK_PREFIX + key.folder());
  }

  /** Reads and verifies the entry for a key: every listed file present with its size and hash. */
  public EntryState check(String id, CacheKey key) {
    Path dir = entryDir(id, key);
    if (!Files.isDirectory(dir)) {
      return EntryState.absent();
    }
    CacheEntry entry;
    try {
      entry = read(dir);
    } catch (RuntimeException e) {
      return EntryState.corrupt("unreadable entry.json: " + e.getMessage());
    }
    if (!entry.key().equals(key.hash()) || !entry.id().equals(id)) {
      return EntryState.corrupt("entry.json belongs to another experiment or key");
    }
    boolean missingLarge = false;
    for (OutputRecord output : entry.outputs()) {
      Path file = dir.resolve(output.file());
      if (!Files.isRegularFile(file)) {
        if (output.kind().isLarge()) {
          missingLarge = true;
          continue;
        }
        return EntryState.corrupt("missing output " + output.file());
      }
      try {
        if (Files.size(file) != output.bytes()) {
          return EntryState.corrupt("output " + output.file() + " has the wrong size");
        }
      } catch (IOException e) {
        return EntryState.corrupt("cannot read " + output.file());
      }
      if (!output.kind().isLarge() && !Hashing.sha256(file).equals(output.sha256())) {
        return EntryState.corrupt("output " + output.file() + " does not match its checksum");
      }
    }
    return new EntryState(
        missingLarge ? EntryState.Condition.RENDERABLE : EntryState.Condition.COMPLETE,
        missingLarge ? "large files not present (not committed)" : "",
        Optional.of(entry));
  }

  /** Parses an entry folder's {@code entry.json}. */
  public CacheEntry read(Path dir) {
    try {
      JsonNode node = json.readTree(dir.resolve(ENTRY_FILE).toFile());
      List<OutputRecord> outputs = new ArrayList<>();
      for (JsonNode o : node.path("outputs")) {
        outputs.add(
            new OutputRecord(
                o.path("file").asText(),
                OutputKind.valueOf(o.path("kind").asText()),
                o.path("description").asText(),
                o.path("bytes").asLong(),
                o.path("sha256").asText()));
      }
      return new CacheEntry(
          dir,
          node.path("id").asText(),
          node.path("type").asText(),
          node.path("key").asText(),
          outputs,
          node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes the work folder an entry: hashes the registered outputs, deletes everything else, writes
   * {@code entry.json} and a {@code .gitignore} for large files, then renames the folder into place
   * in one step. An older entry for the same key (a corrupt one) is replaced.
   */
  public CacheEntry commit(
      String id,
      CacheKey key,
      Path workDir,
      Map<String, OutputSpec> outputs,
      ObjectNode provenance) {
    try {
      deleteUnregistered(workDir, outputs.keySet());
      ArrayNode list = provenance.putArray("outputs");
      StringBuilder ignore = new StringBuilder();
      for (OutputSpec output : outputs.values()) {
        Path file = workDir.resolve(output.file());
        if (!Files.isRegularFile(file)) {
          throw new IllegalStateException("declared output " + output.file() + " was not written");
        }
        ObjectNode o = list.addObject();
        o.put("file", output.file());
        o.put("kind", output.kind().name());
        o.put("description", output.description());
        o.put("bytes", Files.size(file));
        o.put("sha256", Hashing.sha256(file));
        if (output.kind().isLarge()) {
          ignore.append('/').append(output.file()).append('\n');
        }
      }
      if (ignore.length() > 0) {
        Files.writeString(workDir.resolve(".gitignore"), ignore.toString());
      }
      json.writeValue(workDir.resolve(ENTRY_FILE).toFile(), provenance);
      Path target = entryDir(id, key);
      if (Files.exists(target)) {
        Path trash = root.resolve(id).resolve(".trash-" + key.folder() + "-" + System.nanoTime());
        move(target, trash);
        FileTrees.deleteTree(trash);
      }
      move(workDir, target);
      return read(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the result of " + id, e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteUnregistered(Path workDir, Set<String> keep) throws IOException {
    try (Stream<Path> files = Files.list(workDir)) {
      for (Path file : files.toList()) {
        if (!keep.contains(file.getFileName().toString())) {
          FileTrees.deleteTree(file);
        }
      }
    }
  }

  /** Other entries of an experiment, newest first, to explain why a key is stale. */
  public List<CacheEntry> otherEntries(String id, CacheKey key) {
    Path dir = root.resolve(id);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<CacheEntry> entries = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (KEY_FOLDER.matcher(name).matches()
            && !name.equals(key.folder())
            && Files.isRegularFile(child.resolve(ENTRY_FILE))) {
          try {
            entries.add(read(child));
          } catch (RuntimeException e) {
            // An unreadable old entry cannot explain anything; gc removes it.
            continue;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.sort(
        Comparator.comparing((CacheEntry e) -> e.json().path("finished").asText()).reversed());
    return entries;
  }

  /**
   * Removes entries whose key folder is not in {@code keep} (id → key folders), work folders of
   * other keys (a current key's work folder may hold a resumable run), and folders of ids no longer
   * in the manifest. Only folders this store creates are touched.
   *
   * @return the removed paths
   */
  public List<Path> gc(Map<String, Set<String>> keep, boolean dryRun) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return removed;
    }
    try (Stream<Path> ids = Files.list(root)) {
      for (Path idDir : ids.filter(Files::isDirectory).toList()) {
        Set<String> keys = keep.getOrDefault(idDir.getFileName().toString(), Set.of());
        try (Stream<Path> children = Files.list(idDir)) {
          for (Path child : children.toList()) {
            String name = child.getFileName().toString();
            boolean ours =
                KEY_FOLDER.matcher(name).matches()
                    || name.startsWith(WORK_PREFIX)
                    || name.startsWith(".trash-");
            boolean current =
                keys.contains(name)
                    || name.startsWith(WORK_PREFIX)
                        && keys.contains(name.substring(WORK_PREFIX.length()));
            if (ours && !current) {
              removed.add(child);
              if (!dryRun) {
                FileTrees.deleteTree(child);
              }
            }
          }
        }
        if (!dryRun) {
          try (Stream<Path> left = Files.list(idDir)) {
            if (left.findAny().isEmpty()) {
              Files.delete(idDir);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + root, e);
    }
    return removed;
  }

  /**
   * Takes the cache's lock so that two builds never write the same cache.
   *
   * @throws IllegalStateException if another build holds it
   */
  public Lock lock() {
    try {
      Files.createDirectories(root);
      FileChannel channel =
          FileChannel.open(
              root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "another build is using "
                + root
                + "; wait for it to finish (lock file "
                + root.resolve(".lock")
                + ")");
      }
      return new Lock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + root, e);
    }
  }

  /** A held cache lock; closing releases it. */
  public static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** An output registered by a running experiment. */
  public record OutputSpec(String file, OutputKind kind, String description) {}
}
