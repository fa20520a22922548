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

  /** Records that a page uses an output; returns its site-relative URL. */
  public String use(CacheEntry entry, String file) {
    String url = FOLDER + "/" + entry.id() + "/" + file;
    sources.put(url, entry.dir().resolve(file));
    return url;
  }

  /** The site-relative URLs used so far. */
  public java.util.Set<String> urls() {
    return java.util.Collections.unmodifiableSet(sources.keySet());
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
  }
}
