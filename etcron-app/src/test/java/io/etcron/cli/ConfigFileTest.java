package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.master.auth.TokenSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigFileTest {
  @TempDir Path dir;

  private MasterCommand parse(Path config, Map<String, String> env, String... args) {
    MasterCommand m = new MasterCommand();
    new CommandLine(m).parseArgs(args);
    ConfigFile.apply(m.spec, Optional.ofNullable(config), env::get);
    return m;
  }

  private Path yaml(String text) throws Exception {
    Path f = dir.resolve("etcron.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void a_file_sets_what_flags_and_variables_leave_unset() throws Exception {
    Path f =
        yaml(
            "host: 0.0.0.0\nport: 9000\nretention: 7d\nretention-runs: 50\n"
                + "etcd: http://127.0.0.1:2399\ndb: jdbc:h2:mem:x\n");
    MasterCommand m = parse(f, Map.of());
    assertThat(m.host).isEqualTo("0.0.0.0");
    assertThat(m.port).isEqualTo(9000);
    assertThat(m.retentionAge).isEqualTo(Duration.ofDays(7));
    assertThat(m.retentionRuns).isEqualTo(50);
    assertThat(m.etcd.endpoints()).isEqualTo("http://127.0.0.1:2399");
    assertThat(m.server.db).isEqualTo("jdbc:h2:mem:x");
  }

  @Test
  void flags_win_over_variables_which_win_over_the_file() throws Exception {
    Path f = yaml("port: 9000\nretention-runs: 50\nhost: 127.0.0.2\n");
    MasterCommand m =
        parse(f, Map.of("ETCRON_PORT", "9100", "ETCRON_RETENTION_RUNS", "60"), "--port", "9200");
    assertThat(m.port).isEqualTo(9200);
    assertThat(m.retentionRuns).isEqualTo(60);
    assertThat(m.host).isEqualTo("127.0.0.2");
  }

  private static WorkerCommand worker(Path config, Map<String, String> env, String... args) {
    WorkerCommand w = worker(config, args);
    ConfigFile.apply(w.spec, Optional.of(config), env::get);
    return w;
  }

  @Test
  void run_as_users_comes_from_the_flag_the_variable_or_the_file() throws Exception {
    assertThat(worker(yaml("capacity: 2\n"), Map.of()).runAsUsers).isNull();
    assertThat(worker(yaml("run-as-users: [nobody, backup]\n"), Map.of()).runAsUsers)
        .containsExactly("nobody", "backup");
    assertThat(
            worker(yaml("worker:\n  run-as-users: nobody\n"), Map.of("ETCRON_RUN_AS_USERS", "a,b"))
                .runAsUsers)
        .containsExactly("a", "b");
    assertThat(
            worker(yaml("run-as-users: x\n"), Map.of(), "--run-as-users", "root,nobody").runAsUsers)
        .containsExactly("root", "nobody");
    assertThat(WorkerCommand.runAs(null).toString()).isEqualTo("any but root");
    assertThat(WorkerCommand.runAs(List.of("nobody", " root ")).toString())
        .isEqualTo("only nobody,root");
    assertThatThrownBy(() -> WorkerCommand.runAs(List.of("Bad User")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--run-as-users: \"Bad User\" is not a user or group name");
  }

  @Test
  void a_bad_run_as_users_entry_stops_the_worker_with_one_line() {
    CommandLine cl = Main.commandLine();
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    int code =
        cl.execute("worker", "--run-as-users", "nobody,Bad User", "--etcd", "http://127.0.0.1:1");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .isEqualTo(
            "etcron: --run-as-users: \"Bad User\" is not a user or group name"
                + " ([a-z_][a-z0-9_-]{0,31}) nor a numeric id"
                + System.lineSeparator());
  }

  @Test
  void without_a_file_the_defaults_come_from_the_settings() {
    MasterCommand m = parse(null, Map.of());
    assertThat(m.port).isEqualTo(io.etcron.master.MasterSettings.DEFAULT_PORT);
    assertThat(m.retentionAge).isEqualTo(io.etcron.run.RetentionPolicy.DEFAULT.maxAge());
  }

  @Test
  void an_unknown_key_is_an_error_naming_it() throws Exception {
    Path f = yaml("port: 9000\nhots: 0.0.0.0\n");
    assertThatThrownBy(() -> parse(f, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key \"hots\"")
        .hasMessageContaining("host");
  }

  @Test
  void a_bad_value_names_its_key_and_its_source() throws Exception {
    assertThatThrownBy(() -> parse(yaml("port: eighty\n"), Map.of()))
        .hasMessageContaining("etcron.yaml: port")
        .hasMessageContaining("eighty");
    assertThatThrownBy(() -> parse(yaml("retention: forever\n"), Map.of()))
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> parse(null, Map.of("ETCRON_PORT", "x")))
        .hasMessageContaining("ETCRON_PORT");
    assertThatThrownBy(() -> parse(yaml("port: [1, 2]\n"), Map.of()))
        .hasMessageContaining("one value");
    assertThatThrownBy(() -> parse(yaml("- port\n"), Map.of()))
        .hasMessageContaining("map of settings");
  }

  @Test
  void tokens_are_a_list_in_the_file() throws Exception {
    Path f = yaml("token:\n  - a:admin:0123456789abcdef\n  - v:viewer:fedcba9876543210\n");
    MasterCommand listed = parse(f, Map.of("ETCRON_TOKEN", "not-a-token-spec"));
    assertThat(listed.tokens().current().lookup("fedcba9876543210").orElseThrow().name())
        .isEqualTo("v");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "a:admin:0123456789abcdef\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    MasterCommand m = parse(yaml("tokens-file: " + tokens + "\n"), Map.of());
    try (var file = (AutoCloseable) m.tokens()) {
      assertThat(((TokenSource) file).current().lookup("0123456789abcdef")).isPresent();
    }
    assertThat(List.of(m.tokensFile)).containsExactly(tokens);
  }

  /** The worker command of the whole command line, parsed and configured from {@code file}. */
  private static WorkerCommand worker(Path file, String... args) {
    CommandLine cl = Main.commandLine();
    String[] full = new String[args.length + 1];
    full[0] = "worker";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine.ParseResult parsed = cl.parseArgs(full);
    WorkerCommand w = (WorkerCommand) parsed.subcommand().commandSpec().userObject();
    ConfigFile.apply(w.spec, Optional.of(file), Map.<String, String>of()::get);
    return w;
  }

  @Test
  void a_command_section_wins_over_the_top_level_and_flags_over_both() throws Exception {
    Path file =
        yaml(
            """
            etcd: http://127.0.0.1:2379
            capacity: 4
            retention: 7d
            master:
              port: 9000
            worker:
              capacity: 8
              tags: [linux, batch]
              drain-timeout: 5s
            """);
    WorkerCommand w = worker(file);
    assertThat(w.etcd.endpoints).isEqualTo("http://127.0.0.1:2379");
    assertThat(w.capacity).isEqualTo(8);
    assertThat(w.tags).containsExactly("linux", "batch");
    assertThat(w.drainTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(worker(file, "--capacity", "2").capacity).isEqualTo(2);
  }

  @Test
  void a_key_no_command_knows_is_refused_with_its_name() throws Exception {
    assertThatThrownBy(() -> worker(yaml("capacty: 4\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key \"capacty\"");
    assertThatThrownBy(() -> worker(yaml("worker:\n  tag: [a]\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key \"worker.tag\"");
  }

  @Test
  void the_shipped_example_configures_the_worker() {
    WorkerCommand w = worker(Path.of("..", "packaging", "etc", "etcron.yaml"));
    assertThat(w.capacity).isEqualTo(16);
    assertThat(w.ttl).isEqualTo(Duration.ofSeconds(10));
  }
}
