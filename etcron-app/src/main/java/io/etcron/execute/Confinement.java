package io.etcron.execute;

import io.etcron.job.Limits;
import io.etcron.job.RunAs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a command is confined to, applied by its {@link Watchdog} between fork and exec: its
 * rlimits, then the account it runs as. Immutable.
 *
 * @param runAs the account; empty for the worker's own
 * @param rootAllowed whether an account with uid 0 may be named (the worker's {@code
 *     --run-as-users} lists root)
 * @param limits the rlimits set before the command starts
 */
public record Confinement(Optional<RunAs> runAs, boolean rootAllowed, Limits limits) {
  /** The worker's own account, unconfined. */
  public static final Confinement NONE = new Confinement(Optional.empty(), false, Limits.NONE);

  /** The same confinement with {@code l} as its limits. */
  public Confinement limited(Limits l) {
    return new Confinement(runAs, rootAllowed, l);
  }

  /** The watchdog's options for this confinement. */
  List<String> watchdogOptions() {
    List<String> options = new ArrayList<>();
    limits.cpuSeconds().ifPresent(n -> options.addAll(List.of("--rlimit", "cpu=" + n)));
    limits.openFiles().ifPresent(n -> options.addAll(List.of("--rlimit", "nofile=" + n)));
    limits.memoryBytes().ifPresent(n -> options.addAll(List.of("--rlimit", "as=" + n)));
    runAs.ifPresent(
        a -> {
          options.add("--user");
          options.add(a.user());
          a.group()
              .ifPresent(
                  g -> {
                    options.add("--group");
                    options.add(g);
                  });
          if (rootAllowed) {
            options.add("--allow-root");
          }
        });
    return options;
  }
}
