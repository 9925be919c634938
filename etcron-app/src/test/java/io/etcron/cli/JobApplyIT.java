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

/** {@code job apply} of many jobs: in batches, reported in the file's order. */
class JobApplyIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int JOBS = 500;
  private static final int BAD = 350; // in the second batch

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
  void a_file_is_applied_in_batches_in_its_order_and_a_refused_batch_writes_nothing()
      throws Exception {
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
      int batch = JobCommand.Apply.BATCH;
      assertThat(refused.output())
          .contains("job \"j350\" (jobs[" + (BAD - batch) + "]): schedule: ")
          .contains("minute 61");
      List<String> reported = lines(refused.output());
      // The first batch, in order; nothing of the refused one.
      assertThat(reported).hasSize(batch);
      for (int i = 0; i < batch; i++) {
        assertThat(reported.get(i)).startsWith(String.format("job j%03d created (version ", i));
      }

      Path good = dir.resolve("good.yaml");
      Files.writeString(good, file(JOBS, -1));
      CliProcess.Result applied =
          CliProcess.run(TIMEOUT, env, "job", "apply", "-f", good.toString());
      assertThat(applied.exit()).as(applied.output()).isZero();
      List<String> again = lines(applied.output());
      assertThat(again).hasSize(JOBS);
      Set<String> created = reported.stream().map(l -> l.split(" ")[1]).collect(Collectors.toSet());
      for (int i = 0; i < JOBS; i++) {
        String name = String.format("j%03d", i);
        assertThat(again.get(i))
            .matches(
                created.contains(name)
                    ? "job " + name + " unchanged"
                    : "job " + name + " created \\(version \\d+\\)");
      }
      // A changed job is reported changed, and its audit entry says update.
      Files.writeString(good, file(1, -1).replace("echo 0", "echo changed"));
      CliProcess.Result changed =
          CliProcess.run(TIMEOUT, env, "job", "apply", "-f", good.toString());
      assertThat(lines(changed.output())).singleElement().asString().startsWith("job j000 changed");
      var audit =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://127.0.0.1:" + master.port() + "/api/v1/audit?job=j000"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(audit).contains("\"action\":\"update\"").contains("\"action\":\"create\"");
    }
  }
}
