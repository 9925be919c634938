package io.etcron.store;

/**
 * etcd answered, or the client stopped the request before sending it, and the request failed for a
 * reason that retrying against the same etcd will not cure: a message over the size limit, a
 * compacted revision, missing permission, an invalid request. Unlike {@link
 * io.etcron.lock.EtcdUnavailableException}, etcd itself is reachable; {@link #code()} says why.
 */
public final class EtcdRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  public EtcdRequestException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status code, e.g. {@code RESOURCE_EXHAUSTED}. */
  public String code() {
    return code;
  }

  /** Whether the request or its answer exceeded a size limit. */
  public boolean tooLarge() {
    String m = String.valueOf(getMessage());
    return code.equals("RESOURCE_EXHAUSTED")
        && (m.contains("exceeds maximum size") || m.contains("too large"));
  }

  /** Whether a revision asked for has been compacted away. */
  public boolean compacted() {
    return code.equals("OUT_OF_RANGE");
  }

  /** Whether etcd answered that what the request named does not exist (a lease, typically). */
  public boolean notFound() {
    return code.equals("NOT_FOUND");
  }
}
