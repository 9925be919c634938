package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.job.AfterCheck;
import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example job files are valid jobs. */
class ExampleJobsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void every_example_job_validates() {
    for (String file :
        List.of("../examples/jobs.yaml", "../examples/hello.yaml", "../examples/http.yaml")) {
      List<JobSpec> specs = JobFiles.read(file);
      assertThat(specs).as(file).isNotEmpty();
      java.util.Map<String, Job> jobs = new java.util.HashMap<>();
      specs.forEach(s -> jobs.put(s.name(), Job.from(s, NOW)));
      // Parents are in the same file, as one apply sends them.
      jobs.values()
          .forEach(
              j ->
                  assertThat(AfterCheck.check(j, n -> java.util.Optional.ofNullable(jobs.get(n))))
                      .as(j.name().value())
                      .isEmpty());
    }
    assertThat(
            JobFiles.read("../examples/jobs.yaml").stream().filter(s -> s.after() != null).count())
        .isEqualTo(2);
  }

  @Test
  void the_http_example_posts_with_its_headers_and_statuses() {
    Job job =
        JobFiles.read("../examples/http.yaml").stream()
            .filter(s -> s.name().equals("nightly-webhook"))
            .map(s -> Job.from(s, NOW))
            .findFirst()
            .orElseThrow();
    var call = job.http().orElseThrow();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.headers()).containsKeys("Content-Type", "Authorization");
    assertThat(call.expectStatus().matches(202)).isTrue();
    assertThat(call.expectStatus().matches(302)).isTrue();
    assertThat(call.expectStatus().matches(200)).isFalse();
  }

  @Test
  void the_least_privilege_example_names_its_user_and_limits() {
    Job job =
        JobFiles.read("../examples/jobs.yaml").stream()
            .filter(s -> s.name().equals("as-nobody"))
            .map(s -> Job.from(s, NOW))
            .findFirst()
            .orElseThrow();
    assertThat(job.runAs().orElseThrow().user()).isEqualTo("nobody");
    assertThat(job.limits().openFiles()).contains(256L);
    assertThat(job.limits().memoryBytes()).contains(512L << 20);
  }
}
