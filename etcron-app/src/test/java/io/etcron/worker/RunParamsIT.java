package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.json.Json;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.store.Keys;
import io.etcron.store.TriggerRequest;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A manual run's parameters, from the trigger key in etcd to a real command and its record. */
class RunParamsIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  @Test
  void a_manual_run_gets_its_parameters_over_the_job_env_and_under_etcrons_own() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      Path out = h.dir.resolve("greet.out");
      h.put(
          JobSpecs.of(
                  "greet",
                  "@every 1h",
                  "echo \"$GREETING $OTHER $ETCRON_JOB\" > " + out + "; echo \"$GREETING\"")
              .env(Map.of("GREETING", "from the job", "OTHER", "kept"))
              .build());
      String id = h.jobs.trigger(JobName.of("greet"), Map.of("GREETING", "hi"), "test");
      // The request in etcd carries its parameters until a worker claims it.
      var stored =
          etcd.client()
              .getKVClient()
              .get(
                  Keys.bytes("/etcron/triggers/greet/"),
                  io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
              .get()
              .getKvs();
      assertThat(stored).hasSize(1);
      assertThat(Json.readStored(Keys.string(stored.get(0).getValue()), TriggerRequest.class).env())
          .isEqualTo(Map.of("GREETING", "hi"));

      h.start("w1");
      Run run = awaitEnd(h, id);
      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(Files.readString(out)).isEqualTo("hi kept greet\n");
      assertThat(run.outputTail()).isEqualTo("hi\n");
      assertThat(run.params()).isEqualTo(Map.of("GREETING", "hi"));
    }
  }

  @Test
  void a_trigger_value_of_an_older_master_without_parameters_still_runs() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.put(JobSpecs.of("old", "@every 1h", h.logRun()).build());
      Instant at = Instant.ofEpochMilli(System.currentTimeMillis());
      // Exactly what a master before run parameters wrote: {at, by}, nothing else.
      String value = "{\"at\":\"" + at + "\",\"by\":\"old-master\"}";
      etcd.client()
          .getKVClient()
          .put(Keys.bytes(Keys.of("/etcron/").trigger("old", at.toEpochMilli())), Keys.bytes(value))
          .get();
      h.start("w1");
      String id = new RunId("old", at, io.etcron.run.Trigger.MANUAL).toString();
      Run run = awaitEnd(h, id);
      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(run.params()).isEmpty();
      assertThat(h.executions()).containsEntry(id, 1L);
    }
  }

  @Test
  void a_manual_run_skipped_while_its_job_is_busy_still_shows_its_parameters() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.put(JobSpecs.of("busy", "@every 1h", "sleep 5").concurrency("forbid").build());
      h.start("w1");
      String first = h.jobs.trigger(JobName.of("busy"), "test");
      await().atMost(Timing.seconds(10)).until(() -> h.store.get(RunId.parse(first)).isPresent());
      String second = h.jobs.trigger(JobName.of("busy"), Map.of("WHY", "again"), "test");
      Run skipped = awaitEnd(h, second);
      assertThat(skipped.state()).isEqualTo(RunState.SKIPPED);
      assertThat(skipped.params()).isEqualTo(Map.of("WHY", "again"));
    }
  }

  private static Run awaitEnd(WorkerHarness h, String id) {
    RunId runId = RunId.parse(id);
    await()
        .atMost(Timing.seconds(20))
        .until(() -> h.store.get(runId).map(r -> r.state().isTerminal()).orElse(false));
    return h.store.get(runId).orElseThrow();
  }
}
