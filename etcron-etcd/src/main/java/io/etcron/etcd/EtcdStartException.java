package io.etcron.etcd;

/** An etcd member did not become healthy; the message carries the tail of its log. */
public final class EtcdStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EtcdStartException(String message) {
    super(message);
  }
}
