package dev.diffusionlab.report.site;

import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.util.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The experiment outputs the pages use, copied into the site under {@code assets/<id>/}. */
public final class Assets {
  static final String FOLDER = "assets";
  private final Map<String, Path> sources = new LinkedHashMap<>();
  private final Map<String, byte[]> derived = new LinkedHashMap<>();

  /** Records that a page uses an output; returns its site-relative URL. */
  public String use(CacheEntry entry, String file) {
    String url = FOLDER + "/" + entry.id() + "/" + file;
    sources.put(url, entry.dir().resolve(file));
    return url;
  }

  /** The source file behind a site-relative URL, or null if it is not an output used so far. */
  Path source(String url) {
    return sources.get(url);
  }

  /**
   * Records a file the site derives from an output (an animation's last frame), published as {@code
   * assets/<id>/<name>}; returns its site-relative URL.
   */
  String derive(CacheEntry entry, String name, byte[] bytes) {
    String url = FOLDER + "/" + entry.id() + "/" + name;
    derived.put(url, bytes.clone());
    return url;
  }

  /** The site-relative URLs used so far. */
  public java.util.Set<String> urls() {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(sources.keySet());
    all.addAll(derived.keySet());
    return java.util.Collections.unmodifiableSet(all);
  }

  /** Copies every used output into {@code site}, skipping files already identical there. */
  public void copyInto(Path site) throws IOException {
    for (Map.Entry<String, Path> asset : sources.entrySet()) {
      Path source = asset.getValue();
      ProjectPaths.withoutLinks(source.getParent(), source);
      Path target = ProjectPaths.withoutLinks(site, site.resolve(asset.getKey()));
      Files.createDirectories(target.getParent());
      if (Files.isRegularFile(target)
          && Files.size(target) == Files.size(source)
          && Arrays.equals(Files.readAllBytes(target), Files.readAllBytes(source))) {
        continue;
      }
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
    for (Map.Entry<String, byte[]> file : derived.entrySet()) {
      Path target = ProjectPaths.withoutLinks(site, site.resolve(file.getKey()));
      Files.createDirectories(target.getParent());
      if (!Files.isRegularFile(target)
          || !Arrays.equals(Files.readAllBytes(target), file.getValue())) {
        Files.write(target, file.getValue());
      }
    }
  }
}
