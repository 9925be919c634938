package io.etcron.run;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The notification outbox beside the runs: the run ends noted with the runs that reached them, and
 * the deliveries made of them. Used by the elected master only, except {@link #of}. Thread-safe;
 * every call is one transaction and throws {@link RunStoreException} when the store fails. Every
 * listing is bounded by its {@code limit}.
 */
public interface Outbox {

  /** Run ends not turned into deliveries yet, oldest first. */
  List<RunEnd> pendingEnds(int limit);

  /**
   * In one transaction: adds each delivery not known yet (by {@link Delivery.Key}) and marks {@code
   * handled} ends as done. Returns how many deliveries were added.
   */
  int enqueue(List<RunEnd> handled, List<Delivery> deliveries);

  /**
   * The state of the run of {@code id}'s job that finished before it (ran and ended: SUCCEEDED,
   * FAILED, TIMED_OUT, KILLED or LOST), by fire time.
   */
  Optional<RunState> previousFinished(RunId id);

  /**
   * RUNNING runs fired before {@code firedBefore}, by fire time then id, after {@code after}: one
   * page of the scan for late runs.
   */
  List<Run> runningFiredBefore(Instant firedBefore, Optional<Run> after, int limit);

  /** Pending deliveries due at {@code now}, the longest due first. */
  List<Delivery> due(Instant now, int limit);

  /** Stores the outcome of one attempt: the delivery with one more attempt. */
  void recordAttempt(Delivery outcome);

  /** The deliveries of one run, oldest first. */
  List<Delivery> of(RunId id, int limit);
}
