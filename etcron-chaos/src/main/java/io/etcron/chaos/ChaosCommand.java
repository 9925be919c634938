package io.etcron.chaos;

import io.etcron.cli.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/chaos}: one chaos run; prints one JSON summary line on stdout and exits 0 when no
 * guarantee was broken and no etcron process exited on its own, 1 otherwise, 2 when the run itself
 * failed, 64 for a bad option value.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Run a 3-member etcd, 2 masters, 3 workers and PostgreSQL on 127.0.0.1 under seeded faults"
            + " and check G1-G4 over the recorded history.")
public final class ChaosCommand implements Callable<Integer> {
  /** Exit code of a bad option value (sysexits' EX_USAGE). */
  static final int USAGE = 64;

  @Option(
      names = "--duration",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "The whole run, start-up and settling included (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--ttl",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "The workers' lease TTL (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(
      names = "--jar",
      defaultValue = "etcron-app/target/etcron.jar",
      description = "The product's runnable jar (default ${DEFAULT-VALUE}).")
  Path jar;

  @Option(
      names = "--dir",
      description =
          "Where the run's logs, data and report go (default target/chaos/<seed>-<time>).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path where =
        dir != null ? dir : Path.of("target", "chaos", seed + "-" + Instant.now().getEpochSecond());
    ChaosSettings settings;
    try {
      settings =
          new ChaosSettings(duration, seed, where.toAbsolutePath(), jar.toAbsolutePath(), ttl);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      return USAGE;
    }
    ChaosRun.Result result = new ChaosRun(settings).run();
    System.out.println(result.summary());
    return result.passed() ? 0 : 1;
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ChaosCommand());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          System.err.println("chaos: the run failed: " + e.getMessage());
          if ("1".equals(System.getenv("ETCRON_DEBUG"))) {
            e.printStackTrace();
          }
          return 2;
        });
    System.exit(cli.execute(args));
  }
}
