package dev.diffusionlab.run.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.run.CacheKey;
import dev.diffusionlab.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The job submitted for one cache entry, kept in {@code results/<id>/.job-<key>} until the job has
 * ended, so that a later build (after {@code --no-wait}) follows the job instead of submitting the
 * experiment again.
 *
 * @param log the job's output file
 */
public record JobRecord(String jobId, Path log, Instant submitted) {
  private static final ObjectMapper JSON = Json.files();
  private static final String PREFIX = ".job-";

  /** The record file of an entry. */
  public static Path fileFor(Path idDir, CacheKey key) {
    return idDir.resolve(PREFIX + key.folder());
  }

  /** The output file of a job in an experiment's folder. */
  public static Path logFor(Path idDir, String jobId) {
    return idDir.resolve(".slurm-" + jobId + ".log");
  }

  /** The record of an entry's job, if one was written (an unreadable one counts as none). */
  public static Optional<JobRecord> read(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty(); // absent, or a link: nothing is read through one
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      String id = node.path("jobId").asText("");
      if (!id.matches("[0-9]+(_[0-9]+)?")) {
        return Optional.empty();
      }
      // The log is where this program puts it, whatever the file says.
      return Optional.of(
          new JobRecord(
              id,
              logFor(file.getParent(), id),
              Instant.parse(node.path("submitted").asText(Instant.EPOCH.toString()))));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** Writes this record to {@code file}. */
  public void write(Path file) {
    ObjectNode node = JSON.createObjectNode();
    node.put("jobId", jobId);
    node.put("log", log.toString());
    node.put("submitted", submitted.toString());
    try {
      Files.createDirectories(file.getParent());
      JSON.writeValue(file.toFile(), node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record job " + jobId + " in " + file, e);
    }
  }

  /** Removes an entry's record once its job has ended. */
  public static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file, e);
    }
  }
}
