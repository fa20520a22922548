package dev.diffusionlab.run;

import dev.diffusionlab.util.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress on a console. On a terminal a task redraws one line in place; elsewhere (CI, a log file)
 * it prints a plain line at most every few seconds and when the task ends.
 */
public final class ConsoleProgress implements Progress {
  private static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
  private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;

  private final PrintStream out;
  private final boolean terminal;
  private final String prefix;
  private final LongSupplier clock;

  public ConsoleProgress(PrintStream out, boolean terminal, String prefix) {
    this(out, terminal, prefix, System::nanoTime);
  }

  ConsoleProgress(PrintStream out, boolean terminal, String prefix, LongSupplier clock) {
    this.out = out;
    this.terminal = terminal;
    this.prefix = prefix;
    this.clock = clock;
  }

  /** Whether standard output is an interactive terminal. */
  public static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /** The same console with another line prefix, e.g. the experiment id. */
  public ConsoleProgress withPrefix(String newPrefix) {
    return new ConsoleProgress(out, terminal, newPrefix, clock);
  }

  @Override
  public Task start(String name, long total) {
    return new ConsoleTask(name, total);
  }

  @Override
  public void log(String message) {
    out.println(prefix + message);
  }

  /** Formats a duration as 1h02m, 3m05s or 12s. */
  public static String duration(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    if (d.toHours() > 0) {
      return String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart());
    }
    if (d.toMinutes() > 0) {
      return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
    return d.toSeconds() + "s";
  }

  private final class ConsoleTask implements Task {
    private final String name;
    private final long total;
    private final long startNanos = clock.getAsLong();
    private long lastPrint = Long.MIN_VALUE;
    private String lastLine = "";
    private boolean drawn;

    ConsoleTask(String name, long total) {
      this.name = name;
      this.total = total;
    }

    @Override
    public void update(long done, Object... metrics) {
      long now = clock.getAsLong();
      lastLine = line(done, now, metrics);
      long interval = terminal ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
      if (lastPrint != Long.MIN_VALUE && now - lastPrint < interval && done < total) {
        return;
      }
      lastPrint = now;
      print();
    }

    private void print() {
      if (terminal) {
        out.print("\r\033[2K" + lastLine);
        out.flush();
        drawn = true;
      } else {
        out.println(lastLine);
      }
    }

    private String line(long done, long now, Object... metrics) {
      StringBuilder line = new StringBuilder(prefix).append(name);
      double elapsed = (now - startNanos) / 1e9;
      if (total > 0) {
        int width = 20;
        int filled = (int) Math.min(width, width * done / total);
        if (terminal) {
          line.append(" [")
              .append("#".repeat(filled))
              .append(" ".repeat(width - filled))
              .append(']');
        }
        line.append(String.format(Locale.ROOT, " %d/%d", done, total));
        if (done > 0 && done < total) {
          line.append(" ETA ").append(duration(elapsed / done * (total - done)));
        }
      }
      line.append(" elapsed ").append(duration(elapsed));
      for (int i = 0; i + 1 < metrics.length; i += 2) {
        Object value = metrics[i + 1];
        String text =
            value instanceof Double || value instanceof Float
                ? String.format(Locale.ROOT, "%.4g", ((Number) value).doubleValue())
                : String.valueOf(value);
        line.append(' ').append(metrics[i]).append(' ').append(text);
      }
      return line.toString();
    }

    @Override
    public void close() {
      if (terminal) {
        if (drawn) {
          out.println();
        }
      } else if (lastPrint == Long.MIN_VALUE && !lastLine.isEmpty()) {
        out.println(lastLine);
      }
    }
  }
}
