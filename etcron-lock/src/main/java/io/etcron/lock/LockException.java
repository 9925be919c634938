package io.etcron.lock;

/** Base of the lock library's exceptions: unchecked, with a message that says what to do. */
public class LockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LockException(String message) {
    super(message);
  }

  public LockException(String message, Throwable cause) {
    super(message, cause);
  }
}
