package io.etcron.cli;

import io.etcd.jetcd.Client;
import io.etcron.execute.Executor;
import io.etcron.execute.HttpExecutor;
import io.etcron.execute.NoopExecutor;
import io.etcron.execute.RunAsPolicy;
import io.etcron.execute.ShellExecutor;
import io.etcron.execute.Watchdog;
import io.etcron.runlog.DeferredRunStore;
import io.etcron.store.EtcdSettings;
import io.etcron.worker.Worker;
import io.etcron.worker.record.RunJournal;
import io.etcron.worker.record.RunRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code etcron worker}: schedules, claims and runs jobs. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker: it runs the jobs whose tags it has.")
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:ETCRON_CONFIG}",
      description =
          "A YAML file of settings with the flags' names as keys (e.g. capacity: 8), or a worker:"
              + " section of them; flags and ETCRON_* variables (ETCRON_CAPACITY, ...) win over it.")
  Path config;

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
      names = "--run-as-users",
      split = ",",
      paramLabel = "LIST",
      description =
          "Users (names or uids) jobs may name in their user field, comma-separated; root only"
              + " when listed. Default: any user of this host but root.")
  List<String> runAsUsers;

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

  @Option(
      names = "--executor",
      defaultValue = "shell",
      hidden = true,
      description =
          "shell (default; HTTP jobs' calls are made in-process) or noop: run nothing, not even"
              + " HTTP calls, for benchmarks of scheduling and claiming.")
  String executor;

  @Mixin ServerOptions server;
  @Mixin EtcdOptions etcd;

  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      description = "Serve Prometheus metrics on 127.0.0.1:PORT/metrics (default: off).")
  int metricsPort;

  @Override
  public Integer call() throws Exception {
    ConfigFile.apply(spec, Optional.ofNullable(config), System::getenv);
    Shutdown shutdown = new Shutdown();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (metricsPort > 0) {
      shutdown.add(MetricsEndpoint.start(metricsPort, registry::scrape));
    }
    start(shutdown, etcd.settings(), server, this, registry);
    shutdown.await();
    return ExitCodes.OK;
  }

  static Worker start(
      Shutdown shutdown,
      EtcdSettings etcd,
      ServerOptions server,
      WorkerCommand options,
      MeterRegistry registry)
      throws InterruptedException {
    RunAsPolicy runAs = runAs(options.runAsUsers); // a bad list fails before anything starts
    boolean shell = options.executor == null || options.executor.equals("shell");
    if (shell) {
      Watchdog.check();
    }
    // The run store opens while the worker connects to etcd and lists it; a worker starts even
    // while its database is down: it stores what it ran once it is back.
    DeferredRunStore runs = shutdown.add(DeferredRunStore.openInBackground(server::openRunStore));
    Client client = shutdown.add(etcd.connect());
    // Ends are journaled on local disk before they are stored: a crash while the store is down
    // loses none of them (the next worker started with this data directory stores them).
    String journalName =
        options.id != null ? options.id : "worker-" + ProcessHandle.current().pid();
    RunRecorder recorder =
        new RunRecorder(runs, RunJournal.open(server.data.resolve("journal"), journalName));
    Worker worker =
        shutdown.add(
            Worker.builder(client, recorder)
                .id(options.id)
                .tags(new HashSet<>(options.tags))
                .capacity(options.capacity)
                .drainTimeout(options.drainTimeout)
                .ttl(options.ttl)
                .etcd(etcd)
                .metrics(registry)
                .executor(shell ? new ShellExecutor(runAs) : noop(options.executor))
                // noop runs nothing at all, HTTP calls included (for benchmarks of claiming)
                .httpExecutor(shell ? HttpExecutor.shared() : noop(options.executor))
                .start());
    runs.awaitFirstAttempt(); // a --db of no known database stops the worker
    return worker;
  }

  /**
   * The policy of {@code --run-as-users}.
   *
   * @throws IllegalArgumentException naming an entry that is not a user name or uid
   */
  static RunAsPolicy runAs(List<String> users) {
    if (users == null) {
      return RunAsPolicy.ANY_BUT_ROOT;
    }
    Set<String> named = new HashSet<>();
    users.stream().map(String::trim).filter(u -> !u.isEmpty()).forEach(named::add);
    return RunAsPolicy.only(named);
  }

  private static Executor noop(String name) {
    if (!name.equals("noop")) {
      throw new IllegalArgumentException("--executor must be shell or noop, was " + name);
    }
    return new NoopExecutor();
  }
}
