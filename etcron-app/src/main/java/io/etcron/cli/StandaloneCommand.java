package io.etcron.cli;

import io.etcron.etcd.EtcdCluster;
import io.etcron.etcd.EtcdStartException;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.store.EtcdSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code etcron standalone}: everything in one process: a local etcd (a child process, data under
 * {@code <data>/etcd}) unless {@code --etcd} names one, the H2 run store under the data directory,
 * a master on 127.0.0.1 and a worker.
 */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description = "Run etcron in one process: local etcd, run store, master and worker.")
final class StandaloneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:ETCRON_CONFIG}",
      description =
          "A YAML file of settings with the flags' names as keys (e.g. port: 8080);"
              + " flags and ETCRON_* variables (ETCRON_PORT, ...) win over it.")
  Path config;

  @Option(
      names = "--port",
      description = "The master's port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port = MasterSettings.DEFAULT_PORT;

  @Option(
      names = "--etcd-port",
      defaultValue = "2379",
      description =
          "Client port of the local etcd (default ${DEFAULT-VALUE}; its peer port is the next one).")
  int etcdPort;

  @Option(
      names = "--capacity",
      defaultValue = "16",
      description = "The worker's runs at once (default ${DEFAULT-VALUE}).")
  int capacity;

  @Option(names = "--tags", split = ",", description = "Tags the worker offers.")
  List<String> tags = List.of();

  @Option(
      names = "--run-as-users",
      split = ",",
      paramLabel = "LIST",
      description =
          "Users jobs may name in their user field (as for etcron worker); default any but root.")
  List<String> runAsUsers;

  @Mixin TlsOptions tls;
  @Mixin NotifyOptions notify;
  @Mixin ServerOptions server;
  @Mixin EtcdOptions etcd;

  @Override
  public Integer call() throws Exception {
    ConfigFile.apply(spec, Optional.ofNullable(config), System::getenv);
    PrintWriter out = spec.commandLine().getOut();
    MasterSettings settings = MasterSettings.local(port).withTls(tls.identity());
    Shutdown shutdown = new Shutdown();
    EtcdSettings etcdSettings;
    if (etcd.explicit()) {
      etcdSettings = etcd.settings();
    } else {
      EtcdCluster local;
      try {
        local =
            EtcdCluster.builder()
                .dataDir(server.data.resolve("etcd"))
                .ports(etcdPort, etcdPort + 1)
                .maxTxnOps(1024)
                // Nobody else looks after this etcd: when it dies, it is started again.
                .supervised()
                .startTimeout(Duration.ofSeconds(30))
                .start();
      } catch (EtcdStartException e) {
        throw new CliException(
            ExitCodes.FAILURE,
            "the local etcd did not start on 127.0.0.1:"
                + etcdPort
                + " (is the port taken? use --etcd-port N, or --etcd URL to use a running etcd):\n"
                + e.getMessage());
      }
      shutdown.add(local);
      etcdSettings = EtcdSettings.of(local.endpoints());
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Master master =
        MasterCommand.start(
            shutdown, server, settings.withEtcd(etcdSettings), notify.settings(), registry);
    WorkerCommand workerOptions = new WorkerCommand();
    workerOptions.capacity = capacity;
    workerOptions.tags = tags;
    workerOptions.runAsUsers = runAsUsers;
    workerOptions.drainTimeout = Duration.ofSeconds(10);
    workerOptions.ttl = Duration.ofSeconds(10);
    WorkerCommand.start(shutdown, etcdSettings, server, workerOptions, registry);
    out.println();
    out.println("etcron is running: " + master.url());
    out.println("  etcd       " + etcdSettings.endpointList());
    out.println("  run store  " + server.jdbcUrl().replaceAll(";.*", ""));
    if (settings.tls().isPresent()) {
      out.println(
          "  CLI        ETCRON_SERVER=" + master.url() + " ETCRON_CA=<the CA of --tls-cert>");
    }
    out.println(
        "  try        ./etcron job apply -f examples/hello.yaml && ./etcron runs --job hello");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    shutdown.await();
    return ExitCodes.OK;
  }
}
