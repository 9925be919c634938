package io.etcron.chaos.check;

import java.time.Instant;

/**
 * A fault injected into a worker: {@code kill -9} (and a restart at {@code until}) or SIGSTOP (and
 * SIGCONT at {@code until}).
 *
 * @param worker the worker's id
 * @param kind how it was hit
 * @param at when the signal was sent
 * @param until when it was restarted or continued
 */
public record WorkerFault(String worker, Kind kind, Instant at, Instant until) {

  /** How a worker was hit. */
  public enum Kind {
    KILL,
    STOP
  }
}
