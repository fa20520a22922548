package dev.diffusionlab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.util.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One epoch's training state, a folder {@code epoch-NNNN} of a work folder: tensors in safetensors
 * files and a small {@value #STATE}. The folder is filled under a temporary name and renamed into
 * place in one atomic move, so a folder with a checkpoint's name is always complete: a run killed
 * while writing leaves only the temporary folder, which {@link #latest} never reads and the next
 * write removes. Older checkpoints are removed once a newer one is in place.
 *
 * @param folder the checkpoint's folder
 * @param epoch the number of complete epochs it holds
 */
public record Checkpoint(Path folder, int epoch) {
  /** The JSON state file, written last into the temporary folder. */
  public static final String STATE = "state.json";

  private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})");
  private static final String PARTIAL = ".partial";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes a checkpoint's files into a folder. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Path folder) throws IOException;
  }

  /** A file of this checkpoint. */
  public Path file(String name) {
    return folder.resolve(name);
  }

  /** Reads the JSON state written with the checkpoint. */
  public <T> T state(Class<T> type) throws IOException {
    return JSON.readValue(file(STATE).toFile(), type);
  }

  /**
   * Writes the checkpoint of {@code epoch} complete epochs into {@code workDir}: {@code contents}
   * and then {@code state} as JSON go to a temporary folder, which is renamed atomically.
   */
  public static Checkpoint write(Path workDir, int epoch, Contents contents, Object state)
      throws IOException {
    Files.createDirectories(workDir);
    String name = String.format("epoch-%04d", epoch);
    Path partial = workDir.resolve(name + PARTIAL);
    if (Files.exists(partial)) {
      FileTrees.deleteTree(partial);
    }
    Files.createDirectories(partial);
    contents.writeTo(partial);
    JSON.writeValue(partial.resolve(STATE).toFile(), state);
    Path target = workDir.resolve(name);
    if (Files.exists(target)) {
      FileTrees.deleteTree(target);
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    for (Checkpoint older : all(workDir)) {
      if (older.epoch() < epoch) {
        FileTrees.deleteTree(older.folder());
      }
    }
    return new Checkpoint(target, epoch);
  }

  /** The checkpoint of the most epochs in {@code workDir}, if any is complete. */
  public static Optional<Checkpoint> latest(Path workDir) throws IOException {
    Checkpoint best = null;
    for (Checkpoint c : all(workDir)) {
      if (best == null || c.epoch() > best.epoch()) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  private static List<Checkpoint> all(Path workDir) throws IOException {
    List<Checkpoint> found = new ArrayList<>();
    if (!Files.isDirectory(workDir)) {
      return found;
    }
    try (var entries = Files.list(workDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p) && Files.isRegularFile(p.resolve(STATE))) {
          found.add(new Checkpoint(p, Integer.parseInt(m.group(1))));
        }
      }
    }
    return found;
  }

  /**
   * Writes float tensors by name as one safetensors file, which {@link SafeTensors#copyInto} reads
   * back.
   */
  public static void writeTensors(Path file, Map<String, NDArray> tensors) throws IOException {
    NDList list = new NDList();
    for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
      NDArray array = entry.getValue();
      if (array.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "tensor " + entry.getKey() + " is " + array.getDataType() + ", expected float32");
      }
      NDArray copy = array.duplicate();
      copy.setName(entry.getKey());
      list.add(copy);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      list.encode(out, NDList.Encoding.SAFETENSORS);
    } finally {
      list.close();
    }
  }
}
