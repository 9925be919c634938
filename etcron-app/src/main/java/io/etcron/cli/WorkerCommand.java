package io.etcron.cli;

import io.etcd.jetcd.Client;
import io.etcron.run.RunStore;
import io.etcron.runlog.RunRecorder;
import io.etcron.store.EtcdSettings;
import io.etcron.worker.Worker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code etcron worker}: schedules, claims and runs jobs. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker: it runs the jobs whose tags it has.")
final class WorkerCommand implements Callable<Integer> {
  @Option(
      names = "--id",
      description = "Worker id, unique in the cluster (default host-pid-random).")
  String id;

  @Option(names = "--tags", split = ",", description = "Tags this worker offers, comma-separated.")
  List<String> tags = List.of();

  @Option(
      names = "--capacity",
      defaultValue = "16",
      description = "Runs at once (default ${DEFAULT-VALUE}).")
  int capacity;

  @Option(
      names = "--drain-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "On SIGTERM, how long runs may finish before they are killed (default ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(
      names = "--ttl",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Session lease TTL (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Mixin ServerOptions server;
  @Mixin EtcdOptions etcd;

  @Override
  public Integer call() throws Exception {
    Shutdown shutdown = new Shutdown();
    start(shutdown, etcd.settings(), server, this);
    shutdown.await();
    return ExitCodes.OK;
  }

  static Worker start(
      Shutdown shutdown, EtcdSettings etcd, ServerOptions server, WorkerCommand options)
      throws InterruptedException {
    Client client = shutdown.add(etcd.connect());
    RunStore runs = shutdown.add(server.openRunStore());
    RunRecorder recorder = new RunRecorder(runs);
    return shutdown.add(
        Worker.builder(client, recorder)
            .id(options.id)
            .tags(new HashSet<>(options.tags))
            .capacity(options.capacity)
            .drainTimeout(options.drainTimeout)
            .ttl(options.ttl)
            .namespace(etcd.namespace())
            .start());
  }
}
