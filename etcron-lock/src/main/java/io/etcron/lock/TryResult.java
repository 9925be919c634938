package io.etcron.lock;

import java.util.Optional;

/** The outcome of {@link Lock#tryAcquire()}: acquired, or taken by someone who is named. */
public sealed interface TryResult permits TryResult.Acquired, TryResult.Taken {

  /** The lock, if acquired. */
  Optional<HeldLock> lock();

  /** The current holder, if the lock was taken. */
  Optional<Holder> holder();

  /** Whether the lock was acquired. */
  default boolean acquired() {
    return lock().isPresent();
  }

  /** We hold the lock. */
  record Acquired(HeldLock held) implements TryResult {
    @Override
    public Optional<HeldLock> lock() {
      return Optional.of(held);
    }

    @Override
    public Optional<Holder> holder() {
      return Optional.empty();
    }
  }

  /** Someone else holds the lock. */
  record Taken(Holder by) implements TryResult {
    @Override
    public Optional<HeldLock> lock() {
      return Optional.empty();
    }

    @Override
    public Optional<Holder> holder() {
      return Optional.of(by);
    }
  }
}
