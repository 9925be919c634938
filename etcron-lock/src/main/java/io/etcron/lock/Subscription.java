package io.etcron.lock;

/** A registration that stops when closed, such as {@link Election#observe}. Idempotent. */
public interface Subscription extends AutoCloseable {

  /** Stops the subscription; never throws, does not block. */
  @Override
  void close();
}
