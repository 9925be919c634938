package io.etcron.chaos;

import io.etcron.chaos.Fault.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded plan of faults, one at a time with a pause between them, so that each fault's effect (a
 * failover, a catch-up) can be told apart. Rounds of every kind in a shuffled order follow each
 * other until the phase is full; a fault that would not end inside the phase is left out. The same
 * seed, phase and TTL give the same plan. Pure.
 */
final class FaultPlan {
  private FaultPlan() {}

  /**
   * The plan for a fault phase of {@code phase}, workers with lease {@code ttl}.
   *
   * @param workers how many workers there are (targets of worker faults)
   * @param masters how many masters
   * @param members how many etcd members
   */
  static List<Fault> of(
      long seed, Duration phase, Duration ttl, int workers, int masters, int members) {
    Random random = new Random(seed);
    List<Fault> plan = new ArrayList<>();
    Duration t = Duration.ZERO;
    boolean fitted = true;
    while (fitted) {
      fitted = false;
      List<Kind> round = new ArrayList<>(Arrays.asList(Kind.values()));
      Collections.shuffle(round, random);
      for (Kind kind : round) {
        Duration length = length(kind, ttl, random);
        Duration gap = Duration.ofMillis(2_000 + random.nextInt(2_000));
        if (t.plus(length).plus(gap).compareTo(phase) > 0) {
          continue;
        }
        int target =
            switch (kind) {
              case WORKER_KILL, WORKER_STOP -> random.nextInt(workers);
              case MASTER_KILL -> random.nextInt(masters);
              case ETCD_KILL, QUORUM_LOSS -> random.nextInt(members);
              case LEADER_FREEZE, POSTGRES_STOP -> 0;
            };
        plan.add(new Fault(kind, target, t, length));
        t = t.plus(length).plus(gap);
        fitted = true;
      }
    }
    return plan;
  }

  private static Duration length(Kind kind, Duration ttl, Random random) {
    return switch (kind) {
      case WORKER_KILL, WORKER_STOP -> ttl.plusMillis(1_000 + random.nextInt(3_000));
      case ETCD_KILL -> Duration.ofMillis(3_000 + random.nextInt(4_000));
      case LEADER_FREEZE -> Duration.ofMillis(2_000 + random.nextInt(3_000));
      case QUORUM_LOSS -> Duration.ofMillis(9_000 + random.nextInt(2_000));
      case MASTER_KILL -> Duration.ofMillis(2_000 + random.nextInt(4_000));
      case POSTGRES_STOP -> Duration.ofMillis(8_000 + random.nextInt(5_000));
    };
  }
}
