package io.etcron.chaos;

import java.time.Duration;

/**
 * One fault of a plan: what, on which target, when (from the start of the fault phase) and for how
 * long before it is healed.
 *
 * @param kind what is done
 * @param target the index of the worker, master or etcd member hit (ignored by the kinds that pick
 *     their target themselves: the leader, PostgreSQL)
 * @param at when it starts, from the start of the fault phase
 * @param length how long until it is healed
 */
record Fault(Kind kind, int target, Duration at, Duration length) {

  /** The kinds of fault. */
  enum Kind {
    /** kill -9 of a worker, restarted (same id) after the fault's length, beyond its TTL. */
    WORKER_KILL,
    /** SIGSTOP of a worker beyond its TTL, then SIGCONT. */
    WORKER_STOP,
    /** kill -9 of an etcd member, restarted on its data. */
    ETCD_KILL,
    /** SIGSTOP of the etcd leader, then SIGCONT. */
    LEADER_FREEZE,
    /** kill -9 of two of the three etcd members: no quorum, about 10 s. */
    QUORUM_LOSS,
    /** kill -9 of a master, restarted. */
    MASTER_KILL,
    /** PostgreSQL stopped, then started again. */
    POSTGRES_STOP
  }

  /** When it is healed, from the start of the fault phase. */
  Duration end() {
    return at.plus(length);
  }

  @Override
  public String toString() {
    return kind + "(" + target + ") at +" + at.toMillis() + " ms for " + length.toMillis() + " ms";
  }
}
