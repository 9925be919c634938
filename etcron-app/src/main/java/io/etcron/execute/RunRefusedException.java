package io.etcron.execute;

/**
 * A run this worker will not start as asked (an account it does not allow): the message says why.
 */
public final class RunRefusedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public RunRefusedException(String message) {
    super(message);
  }
}
