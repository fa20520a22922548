package dev.diffusionlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Notices edits to a project's pages, templates, content files and manifest by comparing the
 * modification time and size of every file with the previous look (polling works the same on every
 * file system and sees folders created later).
 */
final class ProjectWatcher {
  /** What an edit requires. */
  enum Change {
    NONE,
    /** Only pages ({@code content/*.md}) or templates changed: render the site again. */
    PAGES,
    /** The manifest or a content file experiments read changed: build (run what is stale). */
    INPUTS
  }

  private final Path contentDir;
  private final Path templatesDir;
  private final Path manifest;
  private Map<Path, String> last;

  ProjectWatcher(Path contentDir, Path templatesDir, Path manifest) {
    this.contentDir = contentDir.toAbsolutePath().normalize();
    this.templatesDir = templatesDir.toAbsolutePath().normalize();
    this.manifest = manifest.toAbsolutePath().normalize();
    this.last = snapshot();
  }

  /** What changed since the previous call (or since construction). */
  Change poll() {
    Map<Path, String> now = snapshot();
    Set<Path> changed = new HashSet<>(now.keySet());
    changed.addAll(last.keySet());
    changed.removeIf(p -> Objects.equals(now.get(p), last.get(p)));
    last = now;
    if (changed.isEmpty()) {
      return Change.NONE;
    }
    return changed.stream().anyMatch(this::isInput) ? Change.INPUTS : Change.PAGES;
  }

  private boolean isInput(Path file) {
    if (file.equals(manifest)) {
      return true;
    }
    boolean page =
        file.getParent().equals(contentDir) && file.getFileName().toString().endsWith(".md");
    return file.startsWith(contentDir) && !page;
  }

  private Map<Path, String> snapshot() {
    Map<Path, String> files = new HashMap<>();
    for (Path root : List.of(contentDir, templatesDir, manifest)) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path file : walk.toList()) {
          stamp(file, files);
        }
      } catch (UncheckedIOException | IOException e) {
        // A file removed during the walk: the next look sees the result.
      }
    }
    return files;
  }

  private static void stamp(Path file, Map<Path, String> files) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (attributes.isRegularFile()) {
        files.put(file, attributes.lastModifiedTime().toMillis() + ":" + attributes.size());
      }
    } catch (NoSuchFileException e) {
      // Removed since it was listed.
    }
  }
}
