package io.etcron.execute;

import io.etcron.job.HttpCall;
import io.etcron.job.Limits;
import io.etcron.job.RunAs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What to run: a command, or for an HTTP job the call to make ({@link HttpExecutor}).
 *
 * @param command run by {@code /bin/sh -c}; empty for an HTTP call
 * @param env variables added to the worker's environment (the job's env plus {@code ETCRON_*})
 * @param workingDir the directory to run in, else the worker's
 * @param output receives output chunks as they come, for live output
 * @param leaseLeft how long the lease guarding the run is still known to be valid (the session's
 *     remaining time): the command's {@link Watchdog} kills it when that much time passes without a
 *     new reading. Empty: no deadline (the command still dies with the JVM).
 * @param exitNote a file where the exit code of a command that ended by itself is written, so that
 *     it outlives the worker: its next life reports the end
 * @param runAs the account the command runs as, if not the worker's own
 * @param limits rlimits of the command
 * @param http the HTTP call to make instead of a command, with every header to send
 */
public record ExecutionRequest(
    String command,
    Map<String, String> env,
    Optional<Path> workingDir,
    OutputListener output,
    Optional<Supplier<Duration>> leaseLeft,
    Optional<Path> exitNote,
    Optional<RunAs> runAs,
    Limits limits,
    Optional<HttpCall> http) {

  /** A request with no lease deadline, as the worker's own account. */
  public ExecutionRequest(
      String command, Map<String, String> env, Optional<Path> workingDir, OutputListener output) {
    this(
        command,
        env,
        workingDir,
        output,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Limits.NONE,
        Optional.empty());
  }

  /** A request for {@code call}, with no lease deadline. */
  public static ExecutionRequest calling(HttpCall call, OutputListener output) {
    return new ExecutionRequest(
        "",
        Map.of(),
        Optional.empty(),
        output,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Limits.NONE,
        Optional.of(call));
  }

  /** The same request, run as {@code account}. */
  public ExecutionRequest as(RunAs account) {
    return new ExecutionRequest(
        command, env, workingDir, output, leaseLeft, exitNote, Optional.of(account), limits, http);
  }

  /** The same request, with {@code l} as its rlimits. */
  public ExecutionRequest limited(Limits l) {
    return new ExecutionRequest(
        command, env, workingDir, output, leaseLeft, exitNote, runAs, l, http);
  }
}
