package dev.diffusionlab.util;

/** Reports progress of long work: named tasks with a total, the current step and metrics. */
public interface Progress {

  /** Starts a task of {@code total} steps, e.g. an epoch of 469 batches. */
  Task start(String name, long total);

  /** Prints one message line. */
  void log(String message);

  /** A running task; close it when done. */
  interface Task extends AutoCloseable {
    /** Advances to {@code done} steps of the total; {@code metrics} are name/value pairs. */
    void update(long done, Object... metrics);

    @Override
    void close();
  }

  /** A progress that prints nothing, for tests. */
  static Progress silent() {
    return new Progress() {
      @Override
      public Task start(String name, long total) {
        return new Task() {
          @Override
          public void update(long done, Object... metrics) {}

          @Override
          public void close() {}
        };
      }

      @Override
      public void log(String message) {}
    };
  }
}
