package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.runlog.RunStores;
import io.etcron.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code job apply} of many jobs: several at once, reported in the file's order. */
class JobApplyIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int JOBS = 300;
  private static final int BAD = 150;

  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  private static String file(int jobs, int bad) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < jobs; i++) {
      yaml.append("---\nname: j")
          .append(String.format("%03d", i))
          .append("\nschedule: \"")
          .append(i == bad ? "0 61 * * * *" : "@daily")
          .append("\"\ncommand: echo ")
          .append(i)
          .append('\n');
    }
    return yaml.toString();
  }

  private static List<String> lines(String output) {
    return output.lines().filter(l -> l.startsWith("job ")).toList();
  }

  @Test
  void a_file_is_applied_in_its_order_and_stops_at_the_first_refusal() throws Exception {
    try (Master master =
        Master.start(
            MasterSettings.local(0),
            etcd.client(),
            RunStores.open(RunStores.h2Url(dir.resolve("h2"))),
            () -> "")) {
      Map<String, String> env = Map.of("ETCRON_SERVER", "http://127.0.0.1:" + master.port());
      Path withBad = dir.resolve("bad.yaml");
      Files.writeString(withBad, file(JOBS, BAD));
      CliProcess.Result refused =
          CliProcess.run(TIMEOUT, env, "job", "apply", "-f", withBad.toString());
      assertThat(refused.exit()).as(refused.output()).isNotZero();
      assertThat(refused.output()).contains("job j150: ").contains("minute 61");
      List<String> reported = lines(refused.output());
      // Every job before the refused one, in order; after it, at most those already under way.
      for (int i = 0; i < BAD; i++) {
        assertThat(reported.get(i)).startsWith(String.format("job j%03d created", i));
      }
      assertThat(reported.size() - BAD).isLessThan(JobCommand.Apply.IN_FLIGHT);

      Path good = dir.resolve("good.yaml");
      Files.writeString(good, file(JOBS, -1));
      CliProcess.Result applied =
          CliProcess.run(TIMEOUT, env, "job", "apply", "-f", good.toString());
      assertThat(applied.exit()).as(applied.output()).isZero();
      List<String> again = lines(applied.output());
      assertThat(again).hasSize(JOBS);
      // Unchanged: what the first apply created (the jobs before the refusal and those under way).
      Set<String> created = reported.stream().map(l -> l.split(" ")[1]).collect(Collectors.toSet());
      for (int i = 0; i < JOBS; i++) {
        String name = String.format("j%03d", i);
        assertThat(again.get(i))
            .startsWith("job " + name + " ")
            .contains(created.contains(name) ? "unchanged" : "created");
      }
    }
  }
}
