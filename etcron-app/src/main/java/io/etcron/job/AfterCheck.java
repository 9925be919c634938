package io.etcron.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a job's {@code after} against the other jobs: every parent exists, the job is not its own
 * ancestor (no cycle), and no chain of ancestors is longer than {@link After#MAX_DEPTH} jobs.
 * Errors name the field {@code after} and the entry ({@code after.jobs[1]: ...}). A change can only
 * close a cycle through the job it changes, so walking that job's ancestors finds every cycle.
 * Stateless.
 */
public final class AfterCheck {
  private AfterCheck() {}

  /**
   * The errors of {@code job}'s {@code after}, none if it has none; {@code lookup} finds the other
   * jobs as they will be (those of the same request first, then the stored ones).
   */
  public static List<FieldError> check(Job job, Function<String, Optional<Job>> lookup) {
    if (job.after().isEmpty()) {
      return List.of();
    }
    String self = job.name().value();
    List<FieldError> errors = new ArrayList<>();
    Map<String, Optional<Job>> known = new HashMap<>();
    Function<String, Optional<Job>> find =
        n -> n.equals(self) ? Optional.of(job) : known.computeIfAbsent(n, lookup);
    List<JobName> parents = job.after().get().jobs();
    for (int i = 0; i < parents.size(); i++) {
      String at = "after.jobs[" + i + "]";
      String parent = parents.get(i).value();
      Optional<Job> p = find.apply(parent);
      if (p.isEmpty()) {
        errors.add(
            error(at, "no job named \"" + parent + "\"; create it first, or in the same request"));
        continue;
      }
      Optional<List<String>> cycle = pathTo(self, p.get(), find, new ArrayList<>());
      if (cycle.isPresent()) {
        errors.add(
            error(
                at,
                "\""
                    + parent
                    + "\" runs after \""
                    + self
                    + "\" ("
                    + String.join(" -> ", cycle.get())
                    + "), so this would be a cycle"));
        continue;
      }
      int depth = 1 + ancestors(p.get(), find, 0);
      if (depth + 1 > After.MAX_DEPTH) {
        errors.add(
            error(
                at,
                "\""
                    + parent
                    + "\" ends a chain of "
                    + depth
                    + " jobs; a chain has at most "
                    + After.MAX_DEPTH));
      }
    }
    return errors;
  }

  /**
   * A path from {@code target} down to {@code from} along {@code after} edges ({@code target -> ...
   * -> from}) if {@code target} is an ancestor of {@code from}, or {@code from} itself.
   */
  private static Optional<List<String>> pathTo(
      String target, Job from, Function<String, Optional<Job>> find, List<String> below) {
    List<String> path = new ArrayList<>(below);
    path.add(0, from.name().value());
    if (from.name().value().equals(target)) {
      return Optional.of(path);
    }
    if (path.size() > After.MAX_DEPTH + 1 || from.after().isEmpty()) {
      return Optional.empty(); // deeper chains are refused on their own
    }
    for (JobName parent : from.after().get().jobs()) {
      Optional<Job> p = find.apply(parent.value());
      if (p.isPresent()) {
        Optional<List<String>> found = pathTo(target, p.get(), find, path);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** Jobs in the longest chain of ancestors above {@code job}, bounded past the limit. */
  private static int ancestors(Job job, Function<String, Optional<Job>> find, int seen) {
    if (job.after().isEmpty() || seen > After.MAX_DEPTH) {
      return 0;
    }
    int longest = 0;
    for (JobName parent : job.after().get().jobs()) {
      Optional<Job> p = find.apply(parent.value());
      if (p.isPresent()) {
        longest = Math.max(longest, 1 + ancestors(p.get(), find, seen + 1));
      }
    }
    return longest;
  }

  private static FieldError error(String where, String message) {
    return new FieldError("after", where + ": " + message);
  }
}
