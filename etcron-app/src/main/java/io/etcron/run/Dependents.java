package io.etcron.run;

import io.etcron.job.After;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which jobs run after which: the children of each parent job, read from the jobs' {@code after}
 * fields. The worker keeps one beside its jobs mirror; the master builds one from the stored jobs
 * when it needs it. Thread-safe.
 */
public final class Dependents {
  /** Children one parent run fires at most: their requests are written in one transaction. */
  public static final int MAX_CHILDREN = 50;

  /** A child: its {@code after.on} and whether it is paused. */
  private record Child(After.On on, boolean paused) {}

  private final Map<String, Map<String, Child>> byParent = new ConcurrentHashMap<>();
  private final Map<String, List<String>> parentsOf = new ConcurrentHashMap<>();

  /** Adds or replaces a job's edges. */
  public void upsert(Job job) {
    String name = job.name().value();
    remove(name);
    job.after()
        .ifPresent(
            a -> {
              Child c = new Child(a.on(), job.paused());
              List<String> parents = a.jobs().stream().map(JobName::value).toList();
              for (String p : parents) {
                byParent.computeIfAbsent(p, k -> new ConcurrentSkipListMap<>()).put(name, c);
              }
              parentsOf.put(name, parents);
            });
  }

  /** Removes a job's edges as a child (its children keep theirs). */
  public void remove(String name) {
    List<String> old = parentsOf.remove(name);
    if (old == null) {
      return;
    }
    for (String p : old) {
      byParent.computeIfPresent(
          p,
          (k, children) -> {
            children.remove(name);
            return children.isEmpty() ? null : children;
          });
    }
  }

  /** Whether any job runs after {@code parent}. */
  public boolean hasChildren(String parent) {
    return byParent.containsKey(parent);
  }

  /**
   * The children that the end {@code end} of the run {@code parent} fires, in name order: those
   * whose {@code after.on} matches, that are not paused, and whose run would not repeat a job of
   * the chain that led to it (a cycle written past the API's check never loops) nor make it longer
   * than {@link After#MAX_DEPTH} jobs. All of them: the writer fires at most {@link #MAX_CHILDREN}.
   */
  public List<String> fired(RunId parent, RunState end) {
    Map<String, Child> children = byParent.get(parent.job());
    if (children == null || !end.isTerminal()) {
      return List.of();
    }
    List<String> fired = new ArrayList<>();
    for (Map.Entry<String, Child> e : children.entrySet()) {
      Child c = e.getValue();
      if (!c.paused()
          && matches(c.on(), end)
          && !parent.descendsFrom(e.getKey())
          && parent.depth() < After.MAX_DEPTH
          && RunId.after(e.getKey(), Instant.EPOCH, parent).toString().length()
              <= RunId.MAX_LENGTH - 13) {
        fired.add(e.getKey());
      }
    }
    return fired;
  }

  /** Whether a parent's run ending as {@code end} fires a child with {@code on}. */
  public static boolean matches(After.On on, RunState end) {
    return switch (end) {
      case SUCCEEDED -> on != After.On.FAILURE;
      case FAILED, TIMED_OUT, LOST -> on != After.On.SUCCESS;
      case KILLED -> on == After.On.ALWAYS;
      case RUNNING, SKIPPED, MISSED -> false;
    };
  }
}
