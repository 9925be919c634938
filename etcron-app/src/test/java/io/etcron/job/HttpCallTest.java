package io.etcron.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpCallTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  static JobSpec.HttpSpec get(String url) {
    return new JobSpec.HttpSpec(url, null, null, null, null, null);
  }

  static Job job(JobSpec.HttpSpec call) {
    return Job.from(JobSpecs.http("hook", "@every 1m", call).build(), NOW);
  }

  /** The fields and messages of the errors {@code spec} is refused with. */
  static List<FieldError> refused(JobSpec spec) {
    try {
      Job.from(spec, NOW);
    } catch (InvalidJobException e) {
      return e.errors();
    }
    throw new AssertionError("accepted: " + spec);
  }

  static List<FieldError> refused(JobSpec.HttpSpec call) {
    return refused(JobSpecs.http("hook", "@every 1m", call).build());
  }

  static void refusedAt(JobSpec.HttpSpec call, String field, String words) {
    assertThat(refused(call))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.message()).startsWith(field + ": ").contains(words);
            });
  }

  @Test
  void a_minimal_call_is_a_get_expecting_2xx_within_30s() {
    Job job = job(get("https://example.com/hook"));
    assertThat(job.command()).isEmpty();
    HttpCall call = job.http().orElseThrow();
    assertThat(call.url()).isEqualTo(URI.create("https://example.com/hook"));
    assertThat(call.method()).isEqualTo("GET");
    assertThat(call.headers()).isEmpty();
    assertThat(call.body()).isEmpty();
    assertThat(call.expectStatus()).isEqualTo(ExpectedStatus.DEFAULT);
    assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void every_field_round_trips_through_its_spec() {
    Job job =
        job(
            new JobSpec.HttpSpec(
                "http://127.0.0.1:8080/run?x=1",
                "post",
                Map.of("Authorization", "Bearer abc", "Content-Type", "application/json"),
                "{\"a\":1}",
                List.of(200, 204, "3xx"),
                "5s"));
    HttpCall call = job.http().orElseThrow();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.expectStatus().codes()).containsExactlyInAnyOrder(200, 204);
    assertThat(call.expectStatus().classes()).containsExactly(3);
    assertThat(call.expectStatus()).hasToString("200, 204 or 3xx");
    assertThat(Job.from(job.toSpec(), NOW)).isEqualTo(job);
    assertThat(job.toSpec().command()).isNull();
    assertThat(job.toSpec().http().expectStatus()).isEqualTo(List.of(200, 204, "3xx"));
  }

  @Test
  void expected_statuses_match_codes_and_classes() {
    ExpectedStatus s = new ExpectedStatus(Set.of(404), Set.of(2));
    assertThat(s.matches(200)).isTrue();
    assertThat(s.matches(299)).isTrue();
    assertThat(s.matches(404)).isTrue();
    assertThat(s.matches(300)).isFalse();
    assertThat(s.matches(503)).isFalse();
    assertThat(
            job(new JobSpec.HttpSpec("http://h/", null, null, null, 503, null))
                .http()
                .orElseThrow()
                .expectStatus()
                .matches(503))
        .isTrue();
    assertThat(
            job(new JobSpec.HttpSpec("http://h/", null, null, null, "5XX", null))
                .http()
                .orElseThrow()
                .expectStatus())
        .hasToString("5xx");
  }

  @Test
  void a_job_has_a_command_or_an_http_call_not_both_nor_neither() {
    assertThat(
            refused(JobSpecs.of("j", "@daily", "echo hi").http(get("http://example.com")).build()))
        .extracting(FieldError::field)
        .containsExactly("command");
    assertThat(refused(JobSpecs.of("j", "@daily", " ").http(get("http://example.com")).build()))
        .extracting(FieldError::field)
        .containsExactly("command");
    assertThat(Job.from(JobSpecs.of("j", "@daily", "").http(get("http://h/")).build(), NOW).http())
        .isPresent();
    assertThat(refused(JobSpecs.of("j", "@daily", null).build()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("command");
              assertThat(e.message()).contains("is required").contains("http");
            });
  }

  @Test
  void command_only_fields_are_refused_on_an_http_job() {
    JobSpec spec =
        JobSpecs.http("j", "@daily", get("http://example.com"))
            .env(Map.of("A", "1"))
            .user("nobody")
            .limits(60L, null, null)
            .build();
    assertThat(refused(spec))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("env", "user", "limits");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "example.com/hook",
        "/hook",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "http://",
        "http://exa mple.com/",
        "https://user:secret@example.com/"
      })
  void a_url_must_be_absolute_http_or_https(String url) {
    refusedAt(get(url), "http.url", "");
  }

  @Test
  void a_missing_url_is_required() {
    refusedAt(get(null), "http.url", "is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"FETCH", "CONNECT", "TRACE", "GET /", "G ET"})
  void a_method_is_one_of_the_listed(String method) {
    refusedAt(
        new JobSpec.HttpSpec("http://h/", method, null, null, null, null),
        "http.method",
        "is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  }

  @Test
  void a_head_request_has_no_body_and_a_body_is_bounded() {
    refusedAt(
        new JobSpec.HttpSpec("http://h/", "HEAD", null, "x", null, null), "http.body", "HEAD");
    refusedAt(
        new JobSpec.HttpSpec(
            "http://h/", "POST", null, "x".repeat(HttpCallParser.MAX_BODY + 1), null, null),
        "http.body",
        "at most 65536");
  }

  @Test
  void expect_status_takes_codes_classes_or_a_list_of_them() {
    for (Object bad :
        List.of(
            99,
            600,
            "200",
            "2XXX",
            "6xx",
            "ok",
            true,
            1.5,
            List.of(),
            List.of(200, List.of(201)),
            Map.of("code", 200))) {
      assertThat(refused(new JobSpec.HttpSpec("http://h/", null, null, null, bad, null)))
          .as("expectStatus %s", bad)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.field()).isEqualTo("http.expectStatus"));
    }
  }

  @Test
  void header_names_are_tokens_and_values_have_no_line_breaks() {
    refusedAt(headers(Map.of("Bad Name", "x")), "http.headers", "is not a header name");
    refusedAt(headers(Map.of("X-Colon:", "x")), "http.headers", "is not a header name");
    refusedAt(headers(Map.of("X-A", "a\r\nInjected: yes")), "http.headers", "CR, LF");
    refusedAt(headers(Map.of("X-A", "a\nb")), "http.headers", "CR, LF");
    refusedAt(headers(Map.of("X-Etcron-Run-Id", "forged")), "http.headers", "reserved");
    refusedAt(headers(Map.of("x-etcron-fencing-token", "1")), "http.headers", "reserved");
    refusedAt(headers(Map.of("Host", "other")), "http.headers", "HTTP client");
    refusedAt(headers(Map.of("X-A", "1", "x-a", "2")), "http.headers", "twice");
    java.util.HashMap<String, String> nullValue = new java.util.HashMap<>();
    nullValue.put("X-A", null);
    refusedAt(headers(nullValue), "http.headers", "has no value");
  }

  private static JobSpec.HttpSpec headers(Map<String, String> h) {
    return new JobSpec.HttpSpec("http://h/", null, h, null, null, null);
  }

  @Test
  void the_call_timeout_is_a_duration_within_the_job_timeout() {
    refusedAt(
        new JobSpec.HttpSpec("http://h/", null, null, null, null, "soon"), "http.timeout", "soon");
    refusedAt(
        new JobSpec.HttpSpec("http://h/", null, null, null, null, "10ms"),
        "http.timeout",
        "out of range");
    assertThat(
            refused(
                JobSpecs.http(
                        "j",
                        "@daily",
                        new JobSpec.HttpSpec("http://h/", null, null, null, null, "1m"))
                    .timeout("30s")
                    .build()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("http.timeout");
              assertThat(e.message()).contains("longer than the job's timeout 30s");
            });
    Job shortJob =
        Job.from(JobSpecs.http("j", "@daily", get("http://h/")).timeout("5s").build(), NOW);
    assertThat(shortJob.http().map(HttpCall::timeout))
        .isEqualTo(Optional.of(Duration.ofSeconds(5)));
  }

  @Test
  void every_invalid_part_is_reported_at_once() {
    assertThat(
            refused(
                new JobSpec.HttpSpec(
                    "ftp://h/", "FETCH", Map.of("a b", "c"), null, List.of("ok"), "x")))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "http.url", "http.method", "http.headers", "http.expectStatus", "http.timeout");
  }
}
