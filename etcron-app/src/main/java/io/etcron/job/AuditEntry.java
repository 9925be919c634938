package io.etcron.job;

import java.time.Instant;
import java.util.Optional;

/**
 * One change to a job: who, when, what, and the versions before and after.
 *
 * @param at when the change was made (the master's clock)
 * @param actor who made it (the token's name, or {@code cli}/{@code standalone} on loopback)
 * @param action {@code create}, {@code update}, {@code delete}, {@code pause}, {@code resume},
 *     {@code trigger} or {@code kill}
 * @param job the job's name
 * @param previousVersion the version replaced (0 when created)
 * @param version the new version (0 when deleted or for trigger/kill)
 * @param definition the job as written by the change, when it wrote one
 */
public record AuditEntry(
    Instant at,
    String actor,
    String action,
    String job,
    long previousVersion,
    long version,
    Optional<JobSpec> definition) {}
