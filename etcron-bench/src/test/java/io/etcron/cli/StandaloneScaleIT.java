package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcron.bench.BenchJobs;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.store.EtcdSettings;
import io.etcron.store.Keys;
import io.etcron.store.PagedRange;
import io.etcron.testing.Timing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standalone holding more jobs than one etcd response can carry restarts and serves them. */
class StandaloneScaleIT {
  private static final int JOBS = 50_000;

  @Test
  void a_standalone_holding_50_000_jobs_restarts(@TempDir Path data) throws Exception {
    int port = LoopbackPorts.free();
    int etcdPort = LoopbackPorts.freeWithNext();
    String[] standalone = {
      "standalone", "--data", data.toString(), "--port", "" + port, "--etcd-port", "" + etcdPort
    };
    try (CliProcess server = CliProcess.start(Map.of(), standalone)) {
      await().atMost(Timing.seconds(60)).until(() -> server.output().contains("etcron is running"));
      try (Client c = EtcdSettings.of("http://127.0.0.1:" + etcdPort).connect()) {
        BenchJobs.create(
            c,
            Keys.of(EtcdSettings.DEFAULT_NAMESPACE),
            JOBS,
            i ->
                BenchJobs.spec(
                    String.format("j%06d", i),
                    "0 " + (i % 60) + " " + (i / 60 % 24) + " * * *",
                    null,
                    "a daily report job that exports yesterday's figures and mails them to the team"));
      }
      server.process().destroy();
      assertThat(server.waitFor(Duration.ofSeconds(60))).isNotEqualTo(-1);
    }
    try (CliProcess again = CliProcess.start(Map.of(), standalone)) {
      try {
        await()
            .atMost(Timing.seconds(90))
            .until(() -> again.output().contains("etcron is running"));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "the standalone did not come up; it printed:\n" + again.output(), e);
      }
      assertThat(again.output()).doesNotContain("cannot reach etcd");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> one =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/v1/jobs/j049999"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(one.statusCode()).isEqualTo(200);
      // Every job is there, read page by page at one revision.
      try (Client c = EtcdSettings.of("http://127.0.0.1:" + etcdPort).connect()) {
        AtomicLong pages = new AtomicLong();
        PagedRange.Listing listing =
            PagedRange.of(c.getKVClient(), Duration.ofSeconds(10))
                .forEachPage("/etcron/jobs/", p -> pages.incrementAndGet());
        assertThat(listing.keys()).isEqualTo(JOBS);
        assertThat(pages.get()).isEqualTo(JOBS / PagedRange.DEFAULT_PAGE_KEYS);
      }
      again.process().destroy();
      again.waitFor(Duration.ofSeconds(60));
    }
  }
}
