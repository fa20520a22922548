package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.util.FileTrees;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Json;
import dev.diffusionlab.util.ProjectPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  static final String ERROR_LOG = "last-error.log";
  private static final String WORK_PREFIX = ".work-";
  private static final String TRASH_PREFIX = ".trash-";
  private static final Pattern KEY_FOLDER =
      Pattern.compile("[0-9a-f]{" + CacheKey.FOLDER_LENGTH + "}");
  private static final Pattern SLURM_LOG = Pattern.compile("\\.slurm-[0-9_]+\\.log");
  private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");

  private final Path root;
  private final ObjectMapper json = Json.files();

  public ResultsStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * The folder of the entry for this id and key (which may not exist).
   *
   * @throws ProjectPaths.EscapeException if a symbolic link lies on the way
   */
  public Path entryDir(String id, CacheKey key) {
    return ProjectPaths.withoutLinks(root, root.resolve(id).resolve(key.folder()));
  }

  /** The folder of an experiment's entries, work folders, locks and logs (which may not exist). */
  public Path idDir(String id) {
    return ProjectPaths.withoutLinks(root, root.resolve(id));
  }

  /** The work folder where the entry is computed before it is renamed into place. */
  public Path workDir(String id, CacheKey key) {
    return ProjectPaths.withoutLinks(root, root.resolve(id).resolve(WORK_PREFIX + key.folder()));
  }

  /** The local log of an experiment's last failure (not committed, never published). */
  public Path errorLog(String id) {
    return ProjectPaths.withoutLinks(root, root.resolve(id).resolve(ERROR_LOG));
  }

  /** Whether a name may be an output file of an entry: a plain file name, not entry.json. */
  static boolean isOutputName(String name) {
    return OUTPUT_NAME.matcher(name).matches() && !name.equals(ENTRY_FILE);
  }

  /**
   * Makes the work folder ready: emptied, unless the run may resume from what it holds; a link in a
   * folder kept for resuming is refused, so that the run never writes through it.
   */
  public Path prepareWork(String id, CacheKey key, boolean resume) throws IOException {
    Path work = workDir(id, key);
    if (resume && Files.exists(work, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path file : files.toList()) {
          ProjectPaths.withoutLinks(root, file);
        }
      }
    } else {
      FileTrees.deleteTree(work);
    }
    Files.createDirectories(work);
    return work;
  }

  /**
   * Reads and verifies the entry for a key: every listed file present with its size and SHA-256,
   * checkpoints included (a large checkpoint left out of version control may be absent).
   *
   * @throws ProjectPaths.EscapeException if a symbolic link lies in the entry or on its way
   */
  public EntryState check(String id, CacheKey key) {
    Path dir = entryDir(id, key);
    if (!ProjectPaths.isPlainFolder(dir)) {
      return EntryState.absent();
    }
    CacheEntry entry;
    try {
      entry = read(dir);
    } catch (ProjectPaths.EscapeException e) {
      throw e;
    } catch (RuntimeException e) {
      return EntryState.corrupt("unreadable entry.json: " + e.getMessage());
    }
    if (!entry.key().equals(key.hash()) || !entry.id().equals(id)) {
      return EntryState.corrupt("entry.json belongs to another experiment or key");
    }
    boolean missingLarge = false;
    for (OutputRecord output : entry.outputs()) {
      Path file = ProjectPaths.withoutLinks(dir, dir.resolve(output.file()));
      if (!ProjectPaths.isPlainFile(file)) {
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
      if (!Hashing.sha256(file).equals(output.sha256())) {
        return EntryState.corrupt("output " + output.file() + " does not match its checksum");
      }
    }
    return new EntryState(
        missingLarge ? EntryState.Condition.RENDERABLE : EntryState.Condition.COMPLETE,
        missingLarge ? "large files not present (not committed)" : "",
        Optional.of(entry));
  }

  /**
   * Parses an entry folder's {@code entry.json}.
   *
   * @throws IllegalArgumentException if it lists an output that is not a plain file name
   */
  public CacheEntry read(Path dir) {
    try {
      Path file = ProjectPaths.withoutLinks(root, dir.resolve(ENTRY_FILE));
      JsonNode node = json.readTree(file.toFile());
      List<OutputRecord> outputs = new ArrayList<>();
      for (JsonNode o : node.path("outputs")) {
        if (!isOutputName(o.path("file").asText())) {
          throw new IllegalArgumentException(
              file + " lists an output '" + o.path("file").asText() + "' that is not a file name");
        }
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
        Path file = ProjectPaths.withoutLinks(workDir, workDir.resolve(output.file()));
        if (!ProjectPaths.isPlainFile(file)) {
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
        Path trash =
            root.resolve(id).resolve(TRASH_PREFIX + key.folder() + "-" + System.nanoTime());
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
    Path dir = ProjectPaths.withoutLinks(root, root.resolve(id));
    if (!ProjectPaths.isPlainFolder(dir)) {
      return List.of();
    }
    List<CacheEntry> entries = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (KEY_FOLDER.matcher(name).matches()
            && !name.equals(key.folder())
            && ProjectPaths.isPlainFolder(child)
            && ProjectPaths.isPlainFile(child.resolve(ENTRY_FILE))) {
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
   * in the manifest (with their error logs); an id folder left empty goes too. Only what this store
   * creates is touched, and a dry run lists exactly what a real one removes.
   *
   * @return the removed paths (a removed id folder stands for everything in it)
   * @throws ProjectPaths.EscapeException before removing anything, if a folder the store would look
   *     into or remove is a symbolic link
   */
  public List<Path> gc(Map<String, Set<String>> keep, boolean dryRun) {
    List<Path> removals = new ArrayList<>();
    try {
      if (!ProjectPaths.isPlainFolder(root)) {
        return removals;
      }
      for (Path idDir : list(root)) {
        String id = idDir.getFileName().toString();
        if (!id.startsWith(".")) {
          removals.addAll(gcId(idDir, keep.get(id)));
        }
      }
      if (!dryRun) {
        for (Path path : removals) {
          FileTrees.deleteTree(path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + root, e);
    }
    return removals;
  }

  /** What gc removes in one id folder; {@code keys} is null for an id the manifest lacks. */
  private List<Path> gcId(Path idDir, Set<String> keys) throws IOException {
    if (Files.isSymbolicLink(idDir)) {
      throw linkInCache(idDir);
    }
    if (!ProjectPaths.isPlainFolder(idDir)) {
      return List.of();
    }
    Set<String> current = keys == null ? Set.of() : keys;
    List<Path> children = list(idDir);
    List<Path> removals = new ArrayList<>();
    for (Path child : children) {
      String name = child.getFileName().toString();
      boolean storeFolder =
          KEY_FOLDER.matcher(name).matches()
              || name.startsWith(WORK_PREFIX)
              || name.startsWith(TRASH_PREFIX);
      if (storeFolder && Files.isSymbolicLink(child)) {
        throw linkInCache(child);
      }
      boolean stale =
          storeFolder
              && ProjectPaths.isPlainFolder(child)
              && !current.contains(name)
              && !(name.startsWith(WORK_PREFIX)
                  && (current.contains(name.substring(WORK_PREFIX.length()))
                      || beingComputed(idDir, name.substring(WORK_PREFIX.length()))));
      boolean orphanLog =
          keys == null
              && (name.equals(ERROR_LOG) || SLURM_LOG.matcher(name).matches())
              && ProjectPaths.isPlainFile(child);
      if (stale || orphanLog) {
        removals.add(child);
      }
    }
    return removals.size() == children.size() ? List.of(idDir) : removals;
  }

  /** Whether a live process holds the lock of that key folder (its work folder is in use). */
  private static boolean beingComputed(Path idDir, String keyFolder) {
    return EntryLock.holder(idDir.resolve(EntryLock.PREFIX + keyFolder))
        .map(holder -> !EntryLock.isStale(holder, EntryLock.Timing.DEFAULT))
        .orElse(false);
  }

  private ProjectPaths.EscapeException linkInCache(Path link) {
    return new ProjectPaths.EscapeException(
        link
            + " is a symbolic link; the cache never follows links out of "
            + root
            + ": remove it (nothing was removed)");
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.sorted().toList();
    }
  }

  /** An output registered by a running experiment. */
  public record OutputSpec(String file, OutputKind kind, String description) {}
}
