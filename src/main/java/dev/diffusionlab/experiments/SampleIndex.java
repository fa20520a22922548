package dev.diffusionlab.experiments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The one {@code index.json} schema for sample files of parts A and B: an object with what the
 * samples share (e.g. {@code objective}, {@code epoch}) and a {@code samples} array with one object
 * per file, its fields in the order of {@link Sample} and those that do not apply left out.
 */
public final class SampleIndex {

  /**
   * One sample file.
   *
   * @param file the PNG's name in the entry
   * @param prompt the text prompt it was sampled for (part A), or null
   * @param epoch the training epoch of the network (part B), or null
   * @param label the intended class ({@code class} in the file; -1 for a prompt without one), or
   *     null
   * @param sample the sample's number among those of its prompt, from 1, or null
   * @param steps the network evaluations it took, or null
   * @param guidance the classifier-free guidance scale, or null
   */
  public record Sample(
      String file,
      String prompt,
      Integer epoch,
      Integer label,
      Integer sample,
      Integer steps,
      Double guidance) {}

  private final ObjectNode root = JsonNodeFactory.instance.objectNode();
  private final ArrayNode samples = JsonNodeFactory.instance.arrayNode();

  /** A shared value, written before the samples in the order given. */
  public SampleIndex put(String key, String value) {
    root.put(key, value);
    return this;
  }

  /** A shared number. */
  public SampleIndex put(String key, int value) {
    root.put(key, value);
    return this;
  }

  public SampleIndex add(Sample s) {
    ObjectNode item = samples.addObject().put("file", s.file());
    if (s.prompt() != null) {
      item.put("prompt", s.prompt());
    }
    if (s.epoch() != null) {
      item.put("epoch", s.epoch());
    }
    if (s.label() != null) {
      item.put("class", s.label());
    }
    if (s.sample() != null) {
      item.put("sample", s.sample());
    }
    if (s.steps() != null) {
      item.put("steps", s.steps());
    }
    if (s.guidance() != null) {
      item.put("guidance", s.guidance());
    }
    return this;
  }

  /** Writes the index, pretty-printed. */
  public void write(Path file) {
    ObjectNode out = root.deepCopy();
    out.set("samples", samples);
    try {
      Json.files().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
