package io.etcron.execute;

import io.etcron.job.Limits;
import io.etcron.job.RunAs;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which accounts a worker lets jobs name (its {@code --run-as-users}). Without a list any account
 * of the host may be named except root; with one, only the users it lists, by the name or id the
 * job gives, and root only when the list names it ({@code root} or {@code 0}). Immutable.
 */
public final class RunAsPolicy {
  /** Any user of the host but root. */
  public static final RunAsPolicy ANY_BUT_ROOT = new RunAsPolicy(Optional.empty());

  private final Optional<Set<String>> allowed;

  private RunAsPolicy(Optional<Set<String>> allowed) {
    this.allowed = allowed;
  }

  /**
   * Only the users in {@code users} (names or uids).
   *
   * @throws IllegalArgumentException naming an entry that is not a user name or uid
   */
  public static RunAsPolicy only(Set<String> users) {
    for (String u : users) {
      String problem = RunAs.problem(u);
      if (problem != null) {
        throw new IllegalArgumentException("--run-as-users: " + problem);
      }
    }
    return new RunAsPolicy(Optional.of(Set.copyOf(new TreeSet<>(users))));
  }

  /**
   * The confinement of a run that names {@code runAs}.
   *
   * @throws RunRefusedException when this worker does not let jobs run as that user
   */
  public Confinement confine(Optional<RunAs> runAs) {
    if (runAs.isEmpty()) {
      return Confinement.NONE;
    }
    String user = runAs.get().user();
    boolean rootListed = allowed.map(a -> a.contains("root") || a.contains("0")).orElse(false);
    if (allowed.isPresent() && !allowed.get().contains(user)) {
      throw new RunRefusedException(
          "this worker's --run-as-users ("
              + String.join(",", new TreeSet<>(allowed.get()))
              + ") does not list \""
              + user
              + "\"");
    }
    if (runAs.get().root() && !rootListed) {
      throw new RunRefusedException(
          "jobs may run as root only on a worker whose --run-as-users lists root");
    }
    return new Confinement(runAs, rootListed, Limits.NONE);
  }

  @Override
  public String toString() {
    return allowed.map(a -> "only " + String.join(",", new TreeSet<>(a))).orElse("any but root");
  }
}
