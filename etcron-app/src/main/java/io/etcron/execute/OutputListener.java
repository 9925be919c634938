package io.etcron.execute;

/** Receives a run's combined stdout and stderr as it is produced. */
@FunctionalInterface
public interface OutputListener {
  /** No live output wanted. */
  OutputListener NONE = (offset, bytes, length) -> {};

  /**
   * Called on the execution's reader thread for each chunk, in order. {@code offset} is the
   * position of the chunk's first byte in the whole output. Must not block for long.
   */
  void chunk(long offset, byte[] bytes, int length);
}
