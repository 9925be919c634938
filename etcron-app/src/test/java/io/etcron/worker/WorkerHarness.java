package io.etcron.worker;

import io.etcd.jetcd.Client;
import io.etcron.execute.Executor;
import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.run.InMemoryRunStore;
import io.etcron.run.Run;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import io.etcron.worker.record.RunRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** In-process workers on a real etcd, sharing one run store, for worker tests. */
final class WorkerHarness implements AutoCloseable {
  final Client client;
  final InMemoryRunStore store = new InMemoryRunStore();
  final JobStore jobs;
  final Path dir;
  private final List<Worker> workers = new ArrayList<>();

  WorkerHarness(Client client) throws IOException {
    this.client = client;
    this.jobs =
        new EtcdJobStore(client, Keys.of("/etcron/"), Duration.ofSeconds(5), Clock.systemUTC());
    this.dir = Files.createTempDirectory("etcron-worker-test");
  }

  Worker start(String id, Function<WorkerSettings.Builder, WorkerSettings.Builder> settings)
      throws InterruptedException {
    WorkerSettings.Builder b =
        Worker.builder(client, new RunRecorder(store, 200, Duration.ofMillis(50), 5000))
            .id(id)
            .ttl(Duration.ofSeconds(3))
            .killGrace(Duration.ofSeconds(2))
            .drainTimeout(Duration.ofSeconds(5));
    Worker w = settings.apply(b).start();
    workers.add(w);
    return w;
  }

  Worker start(String id) throws InterruptedException {
    return start(id, b -> b);
  }

  Worker start(String id, Clock clock, Executor executor) throws InterruptedException {
    return start(id, b -> b.clock(clock).executor(executor));
  }

  /** A spec with the given schedule and command, other fields default. */
  static JobSpec spec(String name, String schedule, String command) {
    return io.etcron.job.JobSpecs.spec(name, schedule, command);
  }

  JobStore.Versioned put(JobSpec spec) {
    return jobs.put(Job.from(spec, Instant.now()), JobStore.ANY_VERSION, "test").job();
  }

  /** A command that appends its run id to the executions log. */
  String logRun() {
    return "echo \"$ETCRON_RUN_ID $ETCRON_FENCING_TOKEN\" >> " + dir.resolve("executions");
  }

  /** How many times each run id was executed, from the executions log. */
  Map<String, Long> executions() throws IOException {
    Path log = dir.resolve("executions");
    if (!Files.exists(log)) {
      return Map.of();
    }
    return Files.readAllLines(log).stream()
        .filter(l -> !l.isBlank())
        .collect(Collectors.groupingBy(l -> l.split(" ")[0], Collectors.counting()));
  }

  List<Run> runsOf(String job) {
    return store.all().stream()
        .filter(r -> r.job().equals(job))
        .sorted((a, b) -> a.fireTime().compareTo(b.fireTime()))
        .toList();
  }

  void stopAll() {
    workers.forEach(Worker::close);
    workers.clear();
  }

  @Override
  public void close() {
    stopAll();
  }
}
