package io.etcron.claim;

import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of claiming one fire.
 *
 * @param fire the fire
 * @param outcome whether this worker owns it, someone else does, or the answer was lost
 * @param fencingToken the revision of the claim transaction (when owned)
 * @param previousCursor the cursor before the claim moved it (when owned and known): fires between
 *     it and the claimed one were not claimed by anyone, the owner applies the misfire policy to
 *     them
 * @param busyWith when owned but the job's lock was taken (policy forbid), the run holding it: the
 *     fire is recorded SKIPPED
 */
public record Claim(
    Fire fire,
    Outcome outcome,
    long fencingToken,
    Optional<Instant> previousCursor,
    Optional<String> busyWith) {

  /** What a claim attempt established. */
  public enum Outcome {
    /** This worker owns the fire; nobody else ever will. */
    OWNED,
    /** Someone else owns it (or the job's trigger is gone): nothing to do. */
    TAKEN,
    /**
     * The transaction may or may not have committed (no answer in time, connection lost): read the
     * claim back with {@link Claimer#resolve} before doing anything else with the fire.
     */
    UNKNOWN,
    /** Certainly not committed (not sent, or refused as a whole): claim it again. */
    RETRY
  }

  /** Whether this worker owns the fire (nobody else ever will). */
  public boolean owned() {
    return outcome == Outcome.OWNED;
  }

  static Claim of(Fire fire, Outcome outcome) {
    return new Claim(fire, outcome, 0, Optional.empty(), Optional.empty());
  }
}
