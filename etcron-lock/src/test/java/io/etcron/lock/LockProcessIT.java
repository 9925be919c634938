package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Whole processes holding, racing for and campaigning on locks; some are killed with SIGKILL. */
class LockProcessIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  // 5 s, not the 2 s minimum: a leader's keep-alives must outlast a second child JVM starting
  // beside it on a loaded 2-core machine (with 3 s, a CI run lost both before the kill).
  private static final Duration TTL = Duration.ofSeconds(5);

  @Test
  void a_holder_killed_with_sigkill_frees_the_lock_within_ttl_plus_one_second() throws Exception {
    try (ChildJvm holder =
            ChildJvm.start(
                LockProcess.class, etcd.endpoints(), "crash", "" + TTL.toSeconds(), "hold");
        Session session = Session.builder(etcd.client()).ttl(Duration.ofSeconds(5)).open()) {
      holder.awaitLine("ACQUIRED", Duration.ofSeconds(30));
      CompletableFuture<HeldLock> waiting = Lock.on(session, "crash").acquireAsync();
      assertThat(waiting).isNotDone();

      long killedAt = System.nanoTime();
      holder.kill9();
      HeldLock held = waiting.get(10, TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(TTL.plusSeconds(1));
      assertThat(held.isHeld()).isTrue();
    }
  }

  @Test
  void processes_racing_for_one_key_never_hold_it_together(@TempDir Path dir) throws Exception {
    int processes = 3;
    int rounds = 15;
    List<ChildJvm> children = new ArrayList<>();
    try {
      for (int i = 0; i < processes; i++) {
        children.add(
            ChildJvm.start(
                LockProcess.class,
                etcd.endpoints(),
                "race",
                "10", // the race is about exclusion: a TTL a starved JVM cannot outlive
                "race",
                "" + rounds,
                dir.resolve("p" + i).toString()));
      }
      for (ChildJvm child : children) {
        assertThat(child.waitFor(Duration.ofSeconds(90))).as(child.output()).isZero();
      }
    } finally {
      for (ChildJvm child : children) {
        child.close();
      }
    }
    List<long[]> holds = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      List<String> lines = Files.readAllLines(dir.resolve("p" + i));
      assertThat(lines).as("every process got the lock every round").hasSize(rounds);
      for (String line : lines) {
        String[] f = line.split(" ");
        holds.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    // System.nanoTime is CLOCK_MONOTONIC on Linux: one time line for every process of the machine.
    holds.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < holds.size(); i++) {
      assertThat(holds.get(i)[0])
          .as("hold %d starts after hold %d ends", i, i - 1)
          .isGreaterThan(holds.get(i - 1)[1]);
      assertThat(holds.get(i)[2]).as("fencing tokens grow").isGreaterThan(holds.get(i - 1)[2]);
    }
  }

  @Test
  void a_new_leader_is_elected_within_ttl_plus_one_second_after_the_leader_is_killed()
      throws Exception {
    try (ChildJvm first =
        ChildJvm.start(
            LockProcess.class, etcd.endpoints(), "sweeper", "" + TTL.toSeconds(), "campaign")) {
      String leaderLine = first.awaitLine("LEADER", Duration.ofSeconds(30));
      try (ChildJvm second =
              ChildJvm.start(
                  LockProcess.class,
                  etcd.endpoints(),
                  "sweeper",
                  "" + TTL.toSeconds(),
                  "campaign");
          Session observer = Session.open(etcd.client())) {
        Election election = Election.on(observer, "sweeper");
        // The second candidate is in line once two candidate keys exist.
        try {
          await().atMost(Timing.seconds(30)).until(() -> candidates(observer) == 2);
        } catch (ConditionTimeoutException e) {
          throw new AssertionError(
              "the second candidate is not in line ("
                  + candidates(observer)
                  + " candidates); it printed: "
                  + second.output(),
              e);
        }
        assertThat(election.leader().orElseThrow().fencingToken())
            .isEqualTo(Long.parseLong(leaderLine.split(" ")[1]));

        long killedAt = System.nanoTime();
        first.kill9();
        String next = second.awaitLine("LEADER", Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(TTL.plusSeconds(1));
        assertThat(Long.parseLong(next.split(" ")[1]))
            .isGreaterThan(Long.parseLong(leaderLine.split(" ")[1]));
      }
    }
  }

  private static long candidates(Session s) throws Exception {
    var prefix = ByteSequence.from("/etcron/election/sweeper/", StandardCharsets.UTF_8);
    return etcd.client()
        .getKVClient()
        .get(
            prefix,
            io.etcd.jetcd.options.GetOption.builder()
                .withPrefix(prefix)
                .withCountOnly(true)
                .build())
        .get(5, TimeUnit.SECONDS)
        .getCount();
  }
}
