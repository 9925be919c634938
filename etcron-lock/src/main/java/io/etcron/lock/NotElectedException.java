package io.etcron.lock;

import java.util.Optional;

/** A campaign gave up at its deadline; the candidacy was withdrawn. */
public final class NotElectedException extends LockException {
  private static final long serialVersionUID = 1L;
  private final transient Leader leader;

  NotElectedException(String message, Optional<Leader> leader) {
    super(message);
    this.leader = leader.orElse(null);
  }

  /** The leader when the campaign gave up, when there was one. */
  public Optional<Leader> leader() {
    return Optional.ofNullable(leader);
  }
}
