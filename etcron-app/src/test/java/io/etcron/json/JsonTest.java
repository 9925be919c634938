package io.etcron.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.etcron.job.JobSpec;
import io.etcron.store.WorkerInfo;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void client_input_is_never_coerced_into_another_type() throws Exception {
    for (String body :
        new String[] {
          "{\"command\":42}",
          "{\"command\":true}",
          "{\"retries\":\"3\"}",
          "{\"retries\":1.5}",
          "{\"retries\":\"\"}",
          "{\"paused\":\"true\"}",
          "{\"paused\":1}",
          "{\"tags\":[1]}",
          "{\"env\":{\"A\":1}}"
        }) {
      assertThatThrownBy(() -> Json.API.readValue(body, JobSpec.class))
          .as(body)
          .isInstanceOf(MismatchedInputException.class);
    }
    assertThat(
            Json.API.readValue("{\"command\":\"x\",\"retries\":3,\"paused\":true}", JobSpec.class))
        .extracting(JobSpec::command, JobSpec::retries, JobSpec::paused)
        .containsExactly("x", 3, true);
  }

  @Test
  void a_stored_record_from_a_newer_version_is_still_read() {
    String newer =
        "{\"id\":\"w1\",\"host\":\"h\",\"pid\":1,\"version\":\"9\",\"tags\":[],\"capacity\":4,"
            + "\"startedAt\":\"2026-12-01T00:00:00Z\",\"running\":[],\"lease\":\"1\","
            + "\"addedLater\":true}";
    assertThat(Json.readStored(newer, WorkerInfo.class).id()).isEqualTo("w1");
    assertThatThrownBy(() -> Json.read(newer, WorkerInfo.class))
        .as("the strict reader stays strict")
        .hasMessageContaining("addedLater");
  }

  @Test
  void a_jobs_notify_list_is_read_and_written_as_notify() throws Exception {
    String body =
        "{\"schedule\":\"@every 1m\",\"command\":\"true\",\"sla\":\"5m\","
            + "\"notify\":[{\"on\":[\"failed\"],\"webhook\":\"https://h.example/x\"}]}";
    JobSpec spec = Json.API.readValue(body, JobSpec.class);
    assertThat(spec.notifyTargets())
        .containsExactly(
            new JobSpec.NotifySpec(java.util.List.of("failed"), "https://h.example/x", null));
    assertThat(spec.sla()).isEqualTo("5m");
    String written = Json.write(spec);
    assertThat(written).contains("\"notify\":[{").doesNotContain("notifyTargets");
    assertThat(Json.STORED.readValue(written, JobSpec.class)).isEqualTo(spec);
  }
}
