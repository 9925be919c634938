package io.etcron.job;

import java.util.List;
import java.util.Locale;

/**
 * A job's {@code after} field: the job runs once after each run of one of its parents that ends in
 * a matching outcome.
 *
 * @param jobs the parents, at least one, without repeats, in the order written
 * @param on which parent outcomes fire the job
 */
public record After(List<JobName> jobs, On on) {

  /** Parents of one job at most. */
  public static final int MAX_PARENTS = 32;

  /**
   * Jobs in one chain at most (a root and its descendants): a child's run id names its parent's, so
   * the chain's length bounds the id's.
   */
  public static final int MAX_DEPTH = 6;

  public After {
    jobs = List.copyOf(jobs);
  }

  /** Which parent outcomes fire a child. */
  public enum On {
    /** The parent succeeded. */
    SUCCESS,
    /** The parent failed, timed out or was lost. */
    FAILURE,
    /** Any end of a run of the parent: one of the above, or killed. */
    ALWAYS;

    /** As written in a job: lower case. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether {@code parent} is one of the parents. */
  public boolean hasParent(String parent) {
    return jobs.stream().anyMatch(j -> j.value().equals(parent));
  }
}
