package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.cli.CliProcess;
import io.etcron.testing.Timing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code etcron worker} processes for the tests that kill them: a 3 s TTL, a 1 s drain, the given
 * etcd and run store; every one started is SIGKILLed on {@link #close}. Not thread-safe.
 */
final class WorkerProcesses implements AutoCloseable {
  private final String etcd;
  private final String db;
  private final Function<String, Path> dataDir;
  private final List<CliProcess> started = new ArrayList<>();

  /**
   * @param dataDir each worker id's {@code --data} directory (a restart with the same id finds what
   *     its earlier life left there)
   */
  WorkerProcesses(String etcd, String db, Function<String, Path> dataDir) {
    this.etcd = etcd;
    this.db = db;
    this.dataDir = dataDir;
  }

  /** Starts worker {@code id} with {@code extra} flags, without waiting for it. */
  CliProcess launch(String id, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker",
                "--id",
                id,
                "--ttl",
                "3s",
                "--etcd",
                etcd,
                "--db",
                db,
                "--drain-timeout",
                "1s",
                "--data",
                dataDir.apply(id).toString()));
    args.addAll(List.of(extra));
    CliProcess w = CliProcess.start(Map.of(), args.toArray(String[]::new));
    started.add(w);
    return w;
  }

  /** Starts worker {@code id} and waits until it says it started. */
  CliProcess start(String id, String... extra) throws Exception {
    CliProcess w = launch(id, extra);
    awaitStarted(w, id);
    return w;
  }

  /** Waits until {@code w} (worker {@code id}) says it started, failing if it exits first. */
  static void awaitStarted(CliProcess w, String id) {
    w.awaitOutput(Timing.seconds(30), "worker " + id + " started");
    assertThat(w.output()).contains("worker " + id + " started");
  }

  /** Every process started, in order. */
  List<CliProcess> all() {
    return started;
  }

  @Override
  public void close() throws Exception {
    for (CliProcess w : started) {
      w.process().destroyForcibly();
      w.close();
    }
  }
}
