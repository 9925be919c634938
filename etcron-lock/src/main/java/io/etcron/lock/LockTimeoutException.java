package io.etcron.lock;

import java.util.Optional;

/** A waiting acquire gave up at its deadline; it left no key behind. */
public final class LockTimeoutException extends LockException {
  private static final long serialVersionUID = 1L;
  private final transient Holder holder;

  LockTimeoutException(String message, Holder holder) {
    super(message);
    this.holder = holder;
  }

  /** Who held the lock when the wait gave up, when known. */
  public Optional<Holder> holder() {
    return Optional.ofNullable(holder);
  }
}
