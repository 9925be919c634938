package io.etcron.worker;

import io.etcron.claim.Fire;
import java.time.Instant;

/**
 * One entry of the {@link Scheduler}'s timer queue: look at {@code fire} at {@code at}. A {@code
 * staleCheck} entry looks again at a fire waiting in the {@link OrderGate} for its predecessor's
 * claim once that predecessor is stale; it does nothing if the cursor released the fire before.
 *
 * @param checks how often the fire was looked at and left unclaimed (the pause doubles with it)
 */
record Due(Instant at, Fire fire, Kind kind, int checks, boolean staleCheck) {
  Due(Instant at, Fire fire, Kind kind, int checks) {
    this(at, fire, kind, checks, false);
  }

  /** The same entry at another time, as a plain look (not a stale check). */
  Due again(Instant when) {
    return new Due(when, fire, kind, checks);
  }

  /** Why an entry is in the queue. */
  enum Kind {
    /** A scheduled fire; serving it queues the job's next fire. */
    ON_TIME,
    /**
     * A scheduled fire that does not chain: the first looked at when the job is loaded, or one that
     * waited (its ON_TIME entry already queued the next fire).
     */
    FIRST,
    /** A manual run request. */
    MANUAL,
    /** Another worker should have claimed it by now: claim if still unclaimed. */
    TAKEOVER,
    /** The claim failed (etcd unreachable): try again if still unclaimed. */
    RETRY;

    /** The kind of an entry that waits and is looked at again: it must not chain again. */
    Kind waiting() {
      return this == ON_TIME ? FIRST : this;
    }
  }
}
