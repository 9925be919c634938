package io.etcron.lock;

/** The session's lease is gone (or may be): nothing may be acquired on it any more. */
public final class SessionLostException extends LockException {
  private static final long serialVersionUID = 1L;

  SessionLostException(String message) {
    super(message);
  }
}
