package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.util.Json;
import dev.diffusionlab.util.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lock of one cache entry while it is computed: a file {@code results/<id>/.lock-<key>} created
 * exclusively (which NFS honours, unlike POSIX locks on some servers), naming its holder (host,
 * pid, Slurm job) and rewritten every heartbeat while the holder lives. A lock whose heartbeat is
 * older than {@link Timing#staleAfter()}, or whose holder is a dead process on this host, is stale
 * and taken over.
 */
public final class EntryLock implements AutoCloseable {
  static final String PREFIX = ".lock-";
  private static final ObjectMapper JSON = Json.files();

  /**
   * How often a holder refreshes its lock and when a lock counts as abandoned.
   *
   * @param heartbeat the interval between refreshes
   * @param staleAfter how old the last refresh may be before the lock is taken over
   */
  public record Timing(Duration heartbeat, Duration staleAfter) {
    /** Refreshed every 10 s, stale after a minute (six missed heartbeats). */
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  /**
   * Who holds a lock, as its file says.
   *
   * @param job the Slurm job id, or "" outside Slurm
   * @param age how long ago the heartbeat was last refreshed
   */
  public record Holder(String host, long pid, String job, Duration age) {
    /** For messages: "host h, pid 12 (Slurm job 7), heartbeat 3 s ago". */
    public String describe() {
      return "host "
          + host
          + ", pid "
          + pid
          + (job.isEmpty() ? "" : " (Slurm job " + job + ")")
          + ", heartbeat "
          + age.toSeconds()
          + " s ago";
    }
  }

  /** Thrown when another live process holds the lock. */
  public static final class HeldException extends IllegalStateException {
    private final transient Holder holder;

    HeldException(Path file, Holder holder) {
      super(
          file.getParent().getFileName()
              + " is being computed by "
              + holder.describe()
              + "; its lock file is "
              + file);
      this.holder = holder;
    }

    public Holder holder() {
      return holder;
    }
  }

  private final Path file;
  private final ScheduledExecutorService heartbeat;
  private final byte[] content;

  private EntryLock(Path file, byte[] content, Duration interval) {
    this.file = file;
    this.content = content;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lock heartbeat " + file.getFileName());
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(1, interval.toMillis());
    heartbeat.scheduleAtFixedRate(this::beat, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The lock file of an entry. */
  public static Path fileFor(Path idDir, CacheKey key) {
    return idDir.resolve(PREFIX + key.folder());
  }

  /**
   * Takes the lock, taking over a stale one.
   *
   * @throws HeldException if a live holder has it
   */
  public static EntryLock acquire(Path file, Timing timing) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<EntryLock> lock = tryCreate(file, timing);
      if (lock.isPresent()) {
        return lock.get();
      }
      Optional<Holder> holder = holder(file);
      if (holder.isEmpty()) {
        continue; // released between the two calls
      }
      if (!isStale(holder.get(), timing)) {
        throw new HeldException(file, holder.get());
      }
      takeOver(file);
    }
    throw new IllegalStateException("cannot take the lock " + file + ": it keeps changing hands");
  }

  /**
   * Takes the lock, waiting while a live holder has it; {@code onWait} is told once who it waits
   * for.
   */
  public static EntryLock await(
      Path file, Timing timing, java.util.function.Consumer<Holder> onWait) {
    boolean told = false;
    while (true) {
      try {
        return acquire(file, timing);
      } catch (HeldException held) {
        if (!told) {
          onWait.accept(held.holder());
          told = true;
        }
        try {
          Thread.sleep(Math.max(50, Math.min(1000, timing.heartbeat().toMillis() / 2)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw held;
        }
      }
    }
  }

  /** Who holds the lock file now, if anyone (an unreadable file counts as held by nobody known). */
  public static Optional<Holder> holder(Path file) {
    try {
      if (Files.isSymbolicLink(file)) {
        // Never a lock this program made: nothing is read through it, and it is taken over.
        return Optional.of(new Holder("(a symbolic link)", -1, "", Duration.ofDays(365)));
      }
      Instant modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
      JsonNode node;
      try {
        node = JSON.readTree(Files.readAllBytes(file));
      } catch (IOException unreadable) {
        node = JSON.createObjectNode(); // half written; its age still decides
      }
      Duration age = Duration.between(modified, Instant.now());
      return Optional.of(
          new Holder(
              node.path("host").asText("?"),
              node.path("pid").asLong(-1),
              node.path("job").asText(""),
              age.isNegative() ? Duration.ZERO : age));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lock " + file, e);
    }
  }

  /** Whether a lock is abandoned: no heartbeat for too long, or a dead process on this host. */
  public static boolean isStale(Holder holder, Timing timing) {
    if (holder.age().compareTo(timing.staleAfter()) > 0) {
      return true;
    }
    return holder.host().equals(Machine.hostName())
        && holder.pid() > 0
        && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  private static Optional<EntryLock> tryCreate(Path file, Timing timing) {
    ObjectNode node = JSON.createObjectNode();
    node.put("host", Machine.hostName());
    node.put("pid", ProcessHandle.current().pid());
    node.put("job", Optional.ofNullable(System.getenv("SLURM_JOB_ID")).orElse(""));
    node.put("since", Instant.now().toString());
    byte[] content;
    try {
      content = JSON.writeValueAsBytes(node);
      Files.createDirectories(file.getParent());
      Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return Optional.of(new EntryLock(file, content, timing.heartbeat()));
    } catch (FileAlreadyExistsException held) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the lock " + file, e);
    }
  }

  /**
   * Moves a stale lock aside under a unique name (a rename is atomic, so of several takers one wins
   * and the others find the lock gone or new), then deletes it.
   */
  private static void takeOver(Path file) {
    Path aside =
        file.resolveSibling(
            file.getFileName()
                + ".stale-"
                + ProcessHandle.current().pid()
                + "-"
                + System.nanoTime());
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(aside);
    } catch (NoSuchFileException taken) {
      // another process took it over first
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take over the stale lock " + file, e);
    }
  }

  private void beat() {
    try {
      // Rewriting the content makes the file server set the modification time.
      Files.write(
          file,
          content,
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      // The next beat tries again; a lock that misses many beats may be taken over.
    }
  }

  public Path file() {
    return file;
  }

  /** Stops the heartbeat and removes the lock file. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(5, TimeUnit.SECONDS);
      Files.deleteIfExists(file);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the lock " + file, e);
    }
  }
}
