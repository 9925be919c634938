package io.etcron.job;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where job definitions live (etcd in production). A job's version is a number that changes with
 * every write of it (etcd's mod revision); writes may name the version they expect and then fail
 * with {@link VersionConflictException} when someone else changed the job meanwhile. Every change
 * is recorded in the audit trail, atomically with the change. Implementations are thread-safe and
 * block for at most their request timeout.
 */
public interface JobStore {

  /** Matches any version: the write applies whatever the current version is. */
  long ANY_VERSION = -1;

  /** Matches only an absent job: the write creates it or fails. */
  long ABSENT = 0;

  /**
   * A job and its version.
   *
   * @param job the definition
   * @param version etcd's mod revision of the definition
   */
  record Versioned(Job job, long version) {}

  /** Whether a put created the job or replaced it. */
  record PutResult(Versioned job, boolean created, Optional<Versioned> previous) {}

  /**
   * Creates or replaces a job.
   *
   * @param expectedVersion {@link #ANY_VERSION}, {@link #ABSENT}, or the version being replaced
   * @throws VersionConflictException when the current version is not the expected one
   */
  PutResult put(Job job, long expectedVersion, String actor);

  /** What {@link #apply} did to one job. */
  enum Outcome {
    CREATED,
    CHANGED,
    UNCHANGED;

    /** As the API and the CLI say it: {@code created}, {@code changed}, {@code unchanged}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One job of {@link #apply}.
   *
   * @param job the job as stored now, with its version
   */
  record Applied(Versioned job, Outcome outcome) {}

  /**
   * Creates or replaces each of {@code jobs} (distinct names), whatever their versions, leaving a
   * job whose definition is already stored untouched; a bulk {@link #put}: jobs are written many to
   * a transaction, each with its audit entry.
   *
   * @return one result a job, in the order given
   */
  List<Applied> apply(List<Job> jobs, String actor);

  /** The job named {@code name}, if it exists. */
  Optional<Versioned> get(JobName name);

  /** Every job, by name. */
  List<Versioned> list();

  /** How many jobs there are (counted by etcd, nothing read). */
  long count();

  /**
   * One page of jobs, by name: the first {@code limit} after {@code after} that {@code filter}
   * accepts. A page may hold fewer (a filter that matches little reads a bounded number of jobs per
   * page); {@link JobPage#next()} says where the next page starts, if jobs may remain.
   */
  JobPage page(Optional<JobName> after, int limit, Predicate<Job> filter);

  /**
   * A page of jobs.
   *
   * @param jobs the jobs, by name
   * @param next the name to pass as {@code after} for the next page, if jobs may remain
   */
  record JobPage(List<Versioned> jobs, Optional<JobName> next) {}

  /**
   * A {@link #page} and the {@link #count} of all jobs beside it, as one list shows them: a store
   * that answers from a copy checks once that the copy is current for both.
   */
  default CountedPage countedPage(Optional<JobName> after, int limit, Predicate<Job> filter) {
    return new CountedPage(page(after, limit, filter), count());
  }

  /**
   * A page of jobs and how many jobs there are in all.
   *
   * @param page the page
   * @param total the number of jobs, whether or not the filter accepts them
   */
  record CountedPage(JobPage page, long total) {}

  /**
   * Deletes a job, its cursor, and asks any running run of it to stop.
   *
   * @throws JobNotFoundException when there is no such job
   * @throws VersionConflictException when the current version is not the expected one
   */
  void delete(JobName name, long expectedVersion, String actor);

  /**
   * Pauses or resumes a job. Resuming moves the job's cursor to now: fires that fell while it was
   * paused are not caught up.
   *
   * @throws JobNotFoundException when there is no such job
   * @throws VersionConflictException when the current version is not the expected one
   */
  Versioned setPaused(JobName name, boolean paused, long expectedVersion, String actor);

  /**
   * Asks for one extra run of the job now, outside its schedule; a worker claims it once.
   *
   * @return the run id the triggered run will have
   * @throws JobNotFoundException when there is no such job
   */
  default String trigger(JobName name, String actor) {
    return trigger(name, Map.of(), actor);
  }

  /**
   * Asks for one extra run of the job now with {@code params} added to its command's environment
   * (over the job's {@code env}); a worker claims it once, with them.
   *
   * @param params variables validated by {@link EnvVars#parameters}
   * @return the run id the triggered run will have
   * @throws JobNotFoundException when there is no such job
   */
  String trigger(JobName name, Map<String, String> params, String actor);

  /**
   * Asks the workers to kill every run of the job that is running now.
   *
   * @throws JobNotFoundException when there is no such job
   */
  void kill(JobName name, String actor);

  /**
   * Adds an entry about no job to the audit trail, e.g. an address refused for failed sign-ins.
   *
   * @param actor who (a client address)
   * @param action what, e.g. {@code sign-in-refused}
   * @param detail what happened, in words
   */
  void record(String actor, String action, String detail);

  /**
   * A page of the audit trail, newest first.
   *
   * @param nextCursor where the next (older) page starts, if entries may remain
   */
  record AuditPage(List<AuditEntry> entries, Optional<String> nextCursor) {}

  /**
   * Audit entries, for one job or all, newest first: at most {@code limit}, older than the entry
   * {@code cursor} names (from the newest if empty). A request reads a bounded number of entries,
   * so a filter that matches little answers a short page and a cursor to go on with.
   *
   * @throws IllegalArgumentException when {@code cursor} is not one this store gave
   */
  AuditPage audit(Optional<JobName> job, Optional<String> cursor, int limit);

  /**
   * Deletes at most {@code max} of the oldest audit entries written before {@code before}.
   *
   * @return how many were deleted
   */
  int pruneAudit(Instant before, int max);
}
