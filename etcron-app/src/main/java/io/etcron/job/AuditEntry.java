package io.etcron.job;

import java.time.Instant;
import java.util.Optional;

/**
 * One change to a job: who, when, what, and the versions before and after; or an event that
 * concerns no job (refused sign-ins), with an empty {@code job} and a {@code detail}.
 *
 * @param at when the change was made (the master's clock)
 * @param actor who made it (the token's name, or {@code cli}/{@code standalone} on loopback)
 * @param action {@code create}, {@code update}, {@code delete}, {@code pause}, {@code resume},
 *     {@code trigger} or {@code kill}; {@code sign-in-refused} for an address refused after failed
 *     sign-ins (its actor is the address)
 * @param job the job's name, empty for an event about no job
 * @param previousVersion the version replaced (0 when created)
 * @param version the new version (0 when deleted or for trigger/kill)
 * @param definition the job as written by the change, when it wrote one
 * @param detail what happened, for events that are not a change to a job
 */
public record AuditEntry(
    Instant at,
    String actor,
    String action,
    String job,
    long previousVersion,
    long version,
    Optional<JobSpec> definition,
    Optional<String> detail) {

  /** A change to a job. */
  public AuditEntry(
      Instant at,
      String actor,
      String action,
      String job,
      long previousVersion,
      long version,
      Optional<JobSpec> definition) {
    this(at, actor, action, job, previousVersion, version, definition, Optional.empty());
  }
}
