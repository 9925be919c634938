package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigFileTest {
  @TempDir Path dir;

  @Test
  void a_command_section_wins_over_the_top_level_and_the_command_line_over_both() throws Exception {
    Path file =
        write(
            """
            etcd: http://10.0.0.1:2379
            capacity: 4
            worker:
              capacity: 8
              tags: [linux, batch]
              drain-timeout: 5s
            """);
    WorkerCommand worker = parse(file, "worker");
    assertThat(worker.etcd.endpoints()).isEqualTo("http://10.0.0.1:2379");
    assertThat(worker.capacity).isEqualTo(8);
    assertThat(worker.tags).containsExactly("linux", "batch");
    assertThat(worker.drainTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(parse(file, "worker", "--capacity", "2").capacity).isEqualTo(2);
  }

  @Test
  void an_unknown_key_is_refused_with_its_name() throws Exception {
    Path file = write("capacty: 4\nworker:\n  tag: [a]\n");
    assertThatThrownBy(() -> ConfigFile.load(file, Main.commandLine()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option capacty, worker.tag");
  }

  @Test
  void the_shipped_example_is_valid() {
    Path example = Path.of("..", "packaging", "etc", "etcron.yaml");
    ConfigFile.load(example, Main.commandLine());
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("etcron.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static WorkerCommand parse(Path file, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setDefaultValueProvider(ConfigFile.load(file, cl));
    CommandLine.ParseResult parsed = cl.parseArgs(args);
    return (WorkerCommand) parsed.subcommand().commandSpec().userObject();
  }
}
