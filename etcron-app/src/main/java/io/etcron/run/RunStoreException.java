package io.etcron.run;

/** The run store failed (unreachable, refused the write); the operation may be retried. */
public final class RunStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
