package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.job.Job;
import io.etcron.job.JobStore;
import io.etcron.run.Run;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.PostgresServer;
import io.etcron.testing.Timing;
import io.etcron.worker.record.RunRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The run store goes away for 20 s while jobs keep firing: nothing is lost, nothing runs twice. */
class DatabaseOutageIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  @Test
  void no_record_is_lost_and_no_fire_duplicated_when_the_database_stops_for_20_seconds(
      @TempDir Path dir) throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.newDatabase("outage");
    Path executions = dir.resolve("executions");
    try (SqlRunStore store = RunStores.open(url);
        WorkerHarness h = new WorkerHarness(etcd.client())) {
      RunRecorder recorder = new RunRecorder(store, 200, Duration.ofMillis(100), 50);
      Worker worker =
          h.start(
              "w1",
              b -> Worker.builder(etcd.client(), recorder).id("w1").ttl(Duration.ofSeconds(3)));
      h.jobs.put(
          Job.from(
              WorkerHarness.spec("steady", "@every 1s", "echo $ETCRON_RUN_ID >> " + executions),
              Instant.now()),
          JobStore.ANY_VERSION,
          "test");
      await().atMost(Timing.seconds(20)).until(() -> count(store, RunState.SUCCEEDED) >= 3);

      pg.stop();
      Instant down = Instant.now();
      try {
        await().atMost(Timing.seconds(15)).until(() -> !recorder.hasCapacity());
        await()
            .pollDelay(Duration.ofSeconds(20))
            .atMost(Timing.seconds(21))
            .until(() -> true); // the outage itself
      } finally {
        pg.restart();
      }
      Instant up = Instant.now();
      await()
          .atMost(Timing.seconds(30))
          .until(() -> recorder.depth() == 0 && latest(store).isAfter(up.plusSeconds(3)));
      worker.close();

      List<Run> runs = store.query(RunQuery.all().forJob("steady").limit(500)).runs();
      Map<Instant, Long> perFire =
          runs.stream().collect(Collectors.groupingBy(Run::fireTime, Collectors.counting()));
      assertThat(perFire.values()).as("one record per fire").allMatch(n -> n == 1);
      Instant first = runs.stream().map(Run::fireTime).min(Instant::compareTo).orElseThrow();
      Instant last = runs.stream().map(Run::fireTime).max(Instant::compareTo).orElseThrow();
      for (Instant t = first; !t.isAfter(last); t = t.plusSeconds(1)) {
        assertThat(perFire).as("fire %s has a record", t).containsKey(t);
      }
      Map<String, Long> executed =
          Files.readAllLines(executions).stream()
              .collect(Collectors.groupingBy(l -> l, Collectors.counting()));
      assertThat(executed.values()).as("no fire ran twice").allMatch(n -> n == 1);
      for (String id : executed.keySet()) {
        assertThat(runs)
            .as("run %s that ran has its record", id)
            .anyMatch(r -> r.id().toString().equals(id) && r.state() == RunState.SUCCEEDED);
      }
      long missedDuringOutage =
          runs.stream()
              .filter(
                  r -> r.state() == RunState.MISSED && r.fireTime().isAfter(down.plusSeconds(5)))
              .count();
      assertThat(missedDuringOutage)
          .as("the worker stopped claiming; the fires it did not run are recorded MISSED")
          .isGreaterThan(5);
    }
  }

  private static long count(SqlRunStore store, RunState state) {
    return store
        .query(RunQuery.all().forJob("steady").inStates(java.util.Set.of(state)).limit(500))
        .runs()
        .size();
  }

  private static Instant latest(SqlRunStore store) {
    return store.query(RunQuery.all().forJob("steady").limit(1)).runs().stream()
        .map(Run::fireTime)
        .findFirst()
        .orElse(Instant.EPOCH);
  }
}
