package dev.diffusionlab.report.site;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Times as a reader of the report wants them: "14 min 20 s", "2026-11-24 16:32 UTC". */
public final class Readable {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Readable() {}

  /** 0.07 s, 14.2 s, 14 min 20 s, 1 h 32 min (rounded to the unit shown). */
  public static String duration(double seconds) {
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%.2f s", seconds);
    }
    if (seconds < 59.95) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long whole = Math.round(seconds);
    if (whole < 3600) {
      return whole / 60 + " min " + whole % 60 + " s";
    }
    long minutes = Math.round(seconds / 60);
    return minutes / 60 + " h " + minutes % 60 + " min";
  }

  /** An ISO-8601 instant as date and minute in UTC; text that is not one is returned as it is. */
  public static String instant(String iso) {
    try {
      return DATE.format(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
