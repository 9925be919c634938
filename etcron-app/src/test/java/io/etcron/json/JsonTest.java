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
  void an_http_call_reads_with_its_status_list_and_wrong_types_name_the_nested_field()
      throws Exception {
    JobSpec spec =
        Json.API.readValue(
            "{\"schedule\":\"@daily\",\"http\":{\"url\":\"http://h/\",\"method\":\"POST\","
                + "\"headers\":{\"X-A\":\"1\"},\"expectStatus\":[200,\"3xx\"]}}",
            JobSpec.class);
    assertThat(spec.command()).isNull();
    assertThat(spec.http().url()).isEqualTo("http://h/");
    assertThat(spec.http().expectStatus()).isEqualTo(java.util.List.of(200, "3xx"));
    for (String[] c :
        new String[][] {
          {"{\"http\":{\"url\":42}}", "url"},
          {"{\"http\":{\"url\":\"http://h/\",\"headers\":\"X-A: 1\"}}", "headers"},
          {"{\"http\":{\"url\":\"http://h/\",\"headers\":{\"X-A\":1}}}", "X-A"},
          {"{\"http\":{\"url\":\"http://h/\",\"body\":{\"a\":1}}}", "body"},
          {"{\"http\":{\"url\":\"http://h/\",\"timeout\":30}}", "timeout"},
          {"{\"http\":\"http://h/\"}", "http"}
        }) {
      assertThatThrownBy(() -> Json.API.readValue(c[0], JobSpec.class))
          .as(c[0])
          .isInstanceOfSatisfying(
              MismatchedInputException.class,
              e ->
                  assertThat(e.getPath()).last().extracting(r -> r.getFieldName()).isEqualTo(c[1]));
    }
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
