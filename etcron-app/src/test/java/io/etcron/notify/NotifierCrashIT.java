package io.etcron.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.cli.CliProcess;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.run.Delivery;
import io.etcron.run.Run;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.PostgresServer;
import io.etcron.testing.Timing;
import io.etcron.worker.Worker;
import io.etcron.worker.record.RunRecorder;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The outbox outlives its master: SIGKILL the sending master, the next one delivers the rest. */
class NotifierCrashIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  private final List<CliProcess> masters = new ArrayList<>();
  private int lastPort;

  @AfterEach
  void stop() throws Exception {
    for (CliProcess m : masters) {
      m.close();
    }
  }

  private CliProcess master(String db) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliProcess m =
        CliProcess.start(
            Map.of(),
            "master",
            "--port",
            Integer.toString(port),
            "--etcd",
            etcd.endpoints(),
            "--db",
            db,
            "--data",
            dir.toString(),
            "--notify-backoff",
            "100ms",
            "--notify-max-backoff",
            "300ms");
    masters.add(m);
    lastPort = port;
    m.awaitOutput(Timing.seconds(30), "master listening on");
    assertThat(m.output()).contains("master listening on");
    return m;
  }

  private static List<Run> failed(SqlRunStore store) {
    return store.query(RunQuery.all().forJob("boom").limit(500)).runs().stream()
        .filter(r -> r.state() == RunState.FAILED)
        .toList();
  }

  @Test
  void events_enqueued_while_the_receiver_is_down_are_all_delivered_by_the_next_master()
      throws Exception {
    String db = PostgresServer.shared().newDatabase("notifycrash");
    try (SqlRunStore store = RunStores.open(db);
        Receiver receiver = new Receiver(n -> 503)) {
      JobStore jobs =
          new EtcdJobStore(
              etcd.client(), Keys.of("/etcron/"), Duration.ofSeconds(5), Clock.systemUTC());
      CliProcess first = master(db);
      Worker worker =
          Worker.builder(etcd.newClient(), new RunRecorder(store, 200, Duration.ofMillis(50), 5000))
              .id("w1")
              .ttl(Duration.ofSeconds(3))
              .start();
      try {
        jobs.put(
            io.etcron.job.Job.from(
                JobSpecs.of("boom", "@every 1s", "exit 1")
                    .webhook(receiver.url(), "failed")
                    .build(),
                Instant.now()),
            JobStore.ANY_VERSION,
            "test");
        // The master is retrying against a receiver that is down while more runs fail.
        await()
            .atMost(Timing.seconds(30))
            .until(() -> failed(store).size() >= 5 && receiver.requests.size() >= 5);
        first.process().destroyForcibly(); // SIGKILL
        first.process().waitFor();
        jobs.setPaused(JobName.of("boom"), true, JobStore.ANY_VERSION, "test");
        int sentBeforeKill = receiver.requests.size();
        assertThat(receiver.accepted()).isEmpty();

        receiver.answer(n -> 200);
        master(db);
        Outboxes outbox = new Outboxes(store);
        await()
            .atMost(Timing.seconds(60))
            .until(
                () ->
                    outbox.allHandled()
                        && keys(receiver).equals(ids(failed(store)))
                        && outbox.allDelivered(failed(store)));
        assertThat(receiver.requests.size()).isGreaterThan(sentBeforeKill);
        assertThat(failed(store).size()).isGreaterThanOrEqualTo(5);

        // The CLI shows a run's deliveries with its record.
        Run one = failed(store).get(0);
        CliProcess.Result show =
            CliProcess.run(
                Duration.ofSeconds(60),
                Map.of("ETCRON_SERVER", "http://127.0.0.1:" + lastPort),
                "runs",
                "show",
                one.id().toString());
        assertThat(show.exit()).as(show.output()).isZero();
        assertThat(show.output())
            .contains("notifications:")
            .containsPattern("failed webhook:" + receiver.url() + " delivered, \\d+ attempts?");
      } finally {
        worker.close();
      }
    }
  }

  private static Set<String> keys(Receiver r) {
    return r.accepted().stream().map(Receiver.Request::idempotencyKey).collect(Collectors.toSet());
  }

  private static Set<String> ids(List<Run> runs) {
    return runs.stream().map(r -> r.id() + ":failed").collect(Collectors.toSet());
  }

  /** The outbox as the test reads it. */
  private record Outboxes(SqlRunStore store) {
    boolean allHandled() {
      return store.outbox().orElseThrow().pendingEnds(1).isEmpty();
    }

    boolean allDelivered(List<Run> runs) {
      return runs.stream()
          .allMatch(
              r ->
                  store.outbox().orElseThrow().of(r.id(), 10).stream()
                      .anyMatch(d -> d.status() == Delivery.Status.DELIVERED));
    }
  }
}
