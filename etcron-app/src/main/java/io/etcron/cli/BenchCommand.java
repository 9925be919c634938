package io.etcron.cli;

import io.etcd.jetcd.Client;
import io.etcron.bench.LockBench;
import io.etcron.etcd.EtcdCluster;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code etcron bench ...}: benchmarks that print ratios against a reference measured alongside.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks; each starts its own local etcd unless --etcd names one, and ends with a line of JSON.",
    subcommands = {BenchCommand.LockBenchCommand.class})
final class BenchCommand {

  /** {@code etcron bench lock}. */
  @Command(
      name = "lock",
      mixinStandardHelpOptions = true,
      description = "Lock acquire + release cycles per second against raw etcd transactions.")
  static final class LockBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--duration",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "Measured time per scenario and concurrency (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--loops",
        split = ",",
        defaultValue = "1,16",
        description = "Concurrent loops (default ${DEFAULT-VALUE}).")
    List<Integer> loops;

    @Mixin EtcdOptions etcd;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalOrRemoteEtcd target = LocalOrRemoteEtcd.of(etcd, out);
          Client client = target.connect()) {
        new LockBench(client, duration, out).run(loops);
      }
      return ExitCodes.OK;
    }
  }

  /** The etcd named by --etcd, or a fresh local one started for the benchmark. */
  static final class LocalOrRemoteEtcd implements AutoCloseable {
    private final EtcdCluster local;
    private final EtcdOptions options;

    private LocalOrRemoteEtcd(EtcdCluster local, EtcdOptions options) {
      this.local = local;
      this.options = options;
    }

    static LocalOrRemoteEtcd of(EtcdOptions options, PrintWriter out) {
      if (options.explicit()) {
        return new LocalOrRemoteEtcd(null, options);
      }
      EtcdCluster local = EtcdCluster.builder().start();
      out.println("started a local etcd at " + local.endpoints() + " for the benchmark");
      return new LocalOrRemoteEtcd(local, options);
    }

    String endpoints() {
      return local != null ? local.endpoints() : options.endpoints();
    }

    Client connect() {
      return local != null
          ? io.etcron.store.EtcdSettings.of(local.endpoints()).connect()
          : options.settings().connect();
    }

    @Override
    public void close() {
      if (local != null) {
        local.close();
      }
    }
  }
}
