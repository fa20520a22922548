package dev.diffusionlab.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Keeps every path that comes from a name (a page file, an image, a param naming a content file, a
 * static asset, a cache entry, the site folder) inside its folder, symbolic links included: a name
 * that climbs out with {@code ..} or a link that points out is refused with a message naming the
 * file. Folders the program reads ({@code content/}, {@code templates/}) may hold links that stay
 * inside; folders it writes ({@code results/}, the site) may hold none, so that nothing is ever
 * written or deleted through a link.
 */
public final class ProjectPaths {
  private ProjectPaths() {}

  /** A name or link that leads out of its folder, or a link where none may be: bad input. */
  public static final class EscapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public EscapeException(String message) {
      super(message);
    }
  }

  /**
   * The file a relative name denotes inside {@code folder}, with links resolved when it exists.
   *
   * @return the real path when the file exists, else the normalised path inside the folder
   * @throws EscapeException if the name is not a relative path inside the folder, or it or a link
   *     on its way resolves outside the folder
   */
  public static Path resolve(Path folder, String name) {
    Path base = folder.toAbsolutePath().normalize();
    Path file;
    try {
      file = base.resolve(name).normalize();
    } catch (InvalidPathException e) {
      throw new EscapeException("'" + name + "' is not a valid path");
    }
    if (Path.of(name).isAbsolute() || !file.startsWith(base) || file.equals(base)) {
      throw new EscapeException("'" + name + "' is not a file inside " + base);
    }
    return Files.exists(file) ? confined(base, file) : file;
  }

  /**
   * Checks that an existing path found in {@code folder} (by listing it, say) resolves inside it.
   *
   * @return its real path
   * @throws EscapeException naming the file if a link takes it outside the folder
   */
  public static Path confined(Path folder, Path path) {
    Path real = realPath(path);
    Path realFolder = realPath(folder);
    if (!real.startsWith(realFolder)) {
      throw new EscapeException(
          path
              + " is a symbolic link (or lies under one) that leads out of "
              + folder
              + " to "
              + real);
    }
    return real;
  }

  /**
   * Checks that {@code path} lies lexically inside {@code folder} and that neither it nor any
   * folder between the two is a symbolic link, so that writing or deleting it touches only the
   * folder's own files. Parts that do not exist yet are fine.
   *
   * @return the normalised path
   * @throws EscapeException naming the link or the path
   */
  public static Path withoutLinks(Path folder, Path path) {
    Path base = folder.toAbsolutePath().normalize();
    Path target = path.toAbsolutePath().normalize();
    if (!target.startsWith(base)) {
      throw new EscapeException(target + " is not inside " + base);
    }
    Path current = base;
    for (Path part : base.relativize(target)) {
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        throw new EscapeException(
            current
                + " is a symbolic link; diffusion-lab never writes, reads or deletes its files"
                + " through a link in "
                + base
                + ": remove it");
      }
    }
    return target;
  }

  /** Whether {@code path} is a regular file itself, not a link to one. */
  public static boolean isPlainFile(Path path) {
    return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether {@code path} is a folder itself, not a link to one. */
  public static boolean isPlainFolder(Path path) {
    return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new EscapeException(path + " is a symbolic link to a file that does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path, e);
    }
  }
}
