package io.etcron.lock;

/**
 * Why a session ended.
 *
 * @param reason what ended it
 * @param detail a sentence for logs and users
 */
public record SessionEnd(Reason reason, String detail) {

  /** What ended a session. */
  public enum Reason {
    /** {@link Session#close()} was called: the lease was revoked (or will expire). */
    CLOSED,
    /**
     * No keep-alive was acknowledged before the local deadline: etcd may expire the lease at any
     * moment, so everything held on it is considered lost.
     */
    EXPIRED,
    /** etcd answered that the lease does not exist any more. */
    REVOKED,
    /**
     * {@link Session#orphan()} was called: the lease is no longer kept alive and goes when it
     * expires in etcd (unless another process resumes it).
     */
    ORPHANED
  }

  /** Whether the session ended by losing its lease rather than by being closed or orphaned. */
  public boolean isLoss() {
    return reason == Reason.EXPIRED || reason == Reason.REVOKED;
  }
}
