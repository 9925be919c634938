package io.etcron.claim;

import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of claiming one fire.
 *
 * @param fire the fire
 * @param owned whether this worker owns the fire (nobody else ever will)
 * @param fencingToken the revision of the claim transaction (when owned)
 * @param previousCursor the cursor before the claim moved it (when owned): fires between it and the
 *     claimed one were not claimed by anyone, the owner applies the misfire policy to them
 * @param busyWith when owned but the job's lock was taken (policy forbid), the run holding it: the
 *     fire is recorded SKIPPED
 */
public record Claim(
    Fire fire,
    boolean owned,
    long fencingToken,
    Optional<Instant> previousCursor,
    Optional<String> busyWith) {

  static Claim lost(Fire fire) {
    return new Claim(fire, false, 0, Optional.empty(), Optional.empty());
  }
}
