package io.etcron.lock;

/** etcd did not answer a request in time, or refused it; the state of the request is unknown. */
public final class EtcdUnavailableException extends LockException {
  private static final long serialVersionUID = 1L;

  public EtcdUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
