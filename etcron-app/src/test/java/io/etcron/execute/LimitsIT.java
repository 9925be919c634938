package io.etcron.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcron.job.Limits;
import io.etcron.job.RunAs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A command's rlimits, set by its watchdog before the exec: what the command sees. */
class LimitsIT {
  private final ShellExecutor executor = new ShellExecutor();

  @AfterEach
  void close() {
    executor.close();
  }

  private ExecutionResult execute(Limits limits, Optional<RunAs> as, String command)
      throws Exception {
    ExecutionRequest request =
        new ExecutionRequest(command, Map.of(), Optional.empty(), (o, b, n) -> {}).limited(limits);
    if (as.isPresent()) {
      request = request.as(as.get());
    }
    return executor.start(request).done().get(30, TimeUnit.SECONDS);
  }

  private static Limits limits(Long cpu, Long files, Long memory) {
    return new Limits(
        Optional.ofNullable(cpu), Optional.ofNullable(files), Optional.ofNullable(memory));
  }

  @Test
  void open_files_cpu_and_memory_limits_are_what_the_command_sees() throws Exception {
    ExecutionResult r =
        execute(
            limits(60L, 256L, 512L << 20),
            Optional.empty(),
            "ulimit -n; ulimit -Hn; ulimit -t; ulimit -v");
    assertThat(r.exitCode()).as(r.outputTail()).isZero();
    // ulimit -v counts KiB.
    assertThat(r.outputTail()).isEqualTo("256\n256\n60\n" + (512 * 1024) + "\n");
  }

  @Test
  void limits_hold_for_a_command_run_as_another_user() throws Exception {
    assumeTrue("0".equals(run("id", "-u")), "switching users needs root");
    ExecutionResult r =
        execute(
            limits(null, 256L, null),
            Optional.of(new RunAs("nobody", Optional.empty())),
            "id -u; ulimit -n");
    assertThat(r.outputTail()).isEqualTo("65534\n256\n");
  }

  @Test
  void a_command_past_its_cpu_limit_dies_of_sigxcpu() throws Exception {
    ExecutionResult r = execute(limits(1L, null, null), Optional.empty(), "while :; do :; done");
    assertThat(r.signal()).contains(24);
  }

  @Test
  void a_limit_the_kernel_refuses_never_starts_the_command() throws Exception {
    // Above fs.nr_open: refused even with CAP_SYS_RESOURCE.
    long nrOpen = Long.parseLong(Files.readString(Path.of("/proc/sys/fs/nr_open")).trim());
    assumeTrue(nrOpen < (1L << 30), "fs.nr_open is raised to " + nrOpen);
    ExecutionResult r = execute(limits(null, 1L << 30, null), Optional.empty(), "echo started");
    assertThat(r.exitCode()).isEqualTo(ExecutionResult.NOT_STARTED);
    assertThat(r.notStarted())
        .get()
        .asString()
        .startsWith("not started: the kernel refused the limits openFiles=1073741824: prlimit:")
        .contains("NOFILE");
    assertThat(r.outputTail()).doesNotContain("started\n");
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }
}
