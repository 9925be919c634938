package io.etcron.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  static final Set<String> FIELDS =
      Set.of(
          "name",
          "description",
          "command",
          "env",
          "workingDir",
          "schedule",
          "timeZone",
          "concurrency",
          "misfire",
          "maxCatchUp",
          "startingDeadline",
          "timeout",
          "retries",
          "retryBackoff",
          "tags",
          "paused",
          "user",
          "group",
          "limits",
          "notify",
          "sla",
          "after",
          "exclude",
          "mode");

  static JobSpec spec(String name, String command, String schedule) {
    return JobSpecs.spec(name, schedule, command);
  }

  @Test
  void a_minimal_job_gets_the_defaults() {
    Job job = Job.from(spec("backup", "echo hi", "@every 1m"), NOW);
    assertThat(job.concurrency()).isEqualTo(ConcurrencyPolicy.FORBID);
    assertThat(job.misfire()).isEqualTo(MisfirePolicy.ONCE);
    assertThat(job.timeZone().getId()).isEqualTo("UTC");
    assertThat(job.retries()).isZero();
    assertThat(job.paused()).isFalse();
  }

  @Test
  void every_field_round_trips_through_its_spec() {
    JobSpec full =
        new JobSpec(
            "nightly.report_1",
            "the report",
            "make report",
            Map.of("A", "1", "B_2", "x y"),
            "/tmp",
            "0 30 2 * * *",
            "Europe/Berlin",
            "replace",
            "all",
            5,
            "10m",
            "1h30m",
            3,
            "30s",
            List.of("linux", "big"),
            true,
            "nobody",
            "nogroup",
            new JobSpec.LimitsSpec(60L, 1024L, "512MiB"),
            null,
            List.of(
                new JobSpec.NotifySpec(
                    List.of("failed", "recovered"), "https://hooks.example.com/etcron?x=1", null),
                new JobSpec.NotifySpec(List.of("late"), null, "ops@example.com")),
            "15m",
            new JobSpec.AfterSpec(List.of("extract", "load"), "always"),
            List.of("2026-12-25", "2026-12-31..2027-01-01"),
            null);
    Job job = Job.from(full, NOW);
    assertThat(Job.from(job.toSpec(), NOW)).isEqualTo(job);
    assertThat(job.timeout()).contains(Duration.ofMinutes(90));
    assertThat(job.tags()).containsExactlyInAnyOrder("linux", "big");
    assertThat(job.withPaused(false).paused()).isFalse();
    assertThat(job.withPaused(false).runAs()).isEqualTo(job.runAs());
    assertThat(job.runAs()).contains(new RunAs("nobody", Optional.of("nogroup")));
    assertThat(job.limits())
        .isEqualTo(new Limits(Optional.of(60L), Optional.of(1024L), Optional.of(512L << 20)));
    assertThat(job.toSpec().limits()).isEqualTo(new JobSpec.LimitsSpec(60L, 1024L, "512MiB"));
  }

  @Test
  void a_user_and_group_are_posix_names_or_numeric_ids() {
    for (String good :
        List.of("nobody", "_apt", "www-data", "a1_b-c", "0", "65534", "u".repeat(32))) {
      Job job = Job.from(JobSpecs.of("j", "@daily", "true").user(good).group(good).build(), NOW);
      assertThat(job.runAs()).contains(new RunAs(good, Optional.of(good)));
    }
    for (String bad :
        List.of("Alice", "-x", "1a:b", "a b", "u".repeat(33), "a/b", "99999999999", "4294967295")) {
      assertThatThrownBy(() -> Job.from(JobSpecs.of("j", "@daily", "true").user(bad).build(), NOW))
          .isInstanceOfSatisfying(
              InvalidJobException.class,
              e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("user"))
          .hasMessageContaining("is not a user or group name");
      assertThatThrownBy(
              () ->
                  Job.from(
                      JobSpecs.of("j", "@daily", "true").user("nobody").group(bad).build(), NOW))
          .isInstanceOfSatisfying(
              InvalidJobException.class,
              e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("group"));
    }
  }

  @Test
  void limits_are_checked_and_sizes_read_in_powers_of_1024() {
    assertThat(Limits.parseSize("512MiB")).isEqualTo(512L << 20);
    assertThat(Limits.parseSize("2G")).isEqualTo(2L << 30);
    assertThat(Limits.parseSize("1048576")).isEqualTo(1L << 20);
    assertThat(Limits.formatSize(3L << 30)).isEqualTo("3GiB");
    assertThat(Limits.formatSize((1L << 20) + 1)).isEqualTo("1048577B");
    Job job = Job.from(JobSpecs.of("j", "@daily", "true").limits(null, 256L, "2g").build(), NOW);
    assertThat(job.limits().memoryBytes()).contains(2L << 30);
    assertThat(job.toSpec().limits()).isEqualTo(new JobSpec.LimitsSpec(null, 256L, "2GiB"));
    assertThat(Job.from(spec("j", "true", "@daily"), NOW).limits()).isEqualTo(Limits.NONE);
    assertThatThrownBy(
            () ->
                Job.from(
                    JobSpecs.of("j", "@daily", "true").limits(0L, 1L << 31, "12 parsecs").build(),
                    NOW))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field).containsOnly("limits"))
        .hasMessageContaining("limits: cpuSeconds 0 is out of range")
        .hasMessageContaining("limits: openFiles 2147483648 is out of range")
        .hasMessageContaining("limits: memory \"12 parsecs\" is not a size");
    assertThatThrownBy(
            () ->
                Job.from(
                    JobSpecs.of("j", "@daily", "true").limits(null, null, "1KiB").build(), NOW))
        .hasMessageContaining("limits: memory 1KiB is out of range 1MiB-1024TiB");
  }

  @Test
  void a_job_stored_before_user_and_group_existed_still_reads() {
    String stored = "{\"name\":\"old\",\"command\":\"true\",\"schedule\":\"@daily\",\"retries\":0}";
    Job job = Job.from(io.etcron.json.Json.readStored(stored, JobSpec.class), NOW);
    assertThat(job.runAs()).isEmpty();
    assertThat(job.limits()).isEqualTo(Limits.NONE);
    assertThat(io.etcron.json.Json.write(job.toSpec())).doesNotContain("user", "group", "limits");
  }

  @Test
  void a_group_needs_a_user_and_no_user_means_the_workers_own() {
    assertThat(Job.from(spec("j", "true", "@daily"), NOW).runAs()).isEmpty();
    assertThat(Job.from(JobSpecs.of("j", "@daily", "true").user("nobody").build(), NOW).runAs())
        .contains(new RunAs("nobody", Optional.empty()));
    assertThatThrownBy(
            () -> Job.from(JobSpecs.of("j", "@daily", "true").group("nogroup").build(), NOW))
        .hasMessageContaining("group: needs a user");
    assertThat(new RunAs("0", Optional.empty()).root()).isTrue();
    assertThat(new RunAs("root", Optional.of("users")).root()).isTrue();
    assertThat(new RunAs("nobody", Optional.of("root")).root()).isFalse();
  }

  @Test
  void a_broadcast_job_runs_its_runs_side_by_side_and_refuses_a_lock_policy() {
    Job b = Job.from(JobSpecs.of("everywhere", "@every 1m", "true").mode("broadcast").build(), NOW);
    assertThat(b.broadcast()).isTrue();
    assertThat(b.concurrency()).isEqualTo(ConcurrencyPolicy.ALLOW);
    assertThat(Job.from(b.toSpec(), NOW)).isEqualTo(b);
    assertThatThrownBy(
            () ->
                Job.from(
                    JobSpecs.of("everywhere", "@every 1m", "true")
                        .mode("broadcast")
                        .concurrency("forbid")
                        .build(),
                    NOW))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.errors().get(0).message()).contains("only allow is supported"));
  }

  @Test
  void every_invalid_field_is_reported_at_once() {
    JobSpec bad =
        new JobSpec(
            "../etc",
            "d".repeat(1001),
            " ",
            Map.of("ETCRON_X", "1", "1bad", "v"),
            "relative/dir",
            "0 61 * * * *",
            "Mars/Olympus",
            "sometimes",
            "never",
            0,
            "soon",
            "0s",
            11,
            "2h",
            List.of("a/b"),
            null,
            "Bad User",
            "-g",
            new JobSpec.LimitsSpec(0L, -1L, "lots"),
            null,
            List.of(new JobSpec.NotifySpec(List.of("exploded"), "ftp://x", null)),
            "0s",
            new JobSpec.AfterSpec(List.of("../x"), "sometimes"),
            List.of("2026-02-30", "2026-12-26..2026-12-24"),
            "everywhere");
    assertThatThrownBy(() -> Job.from(bad, NOW))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> {
              List<String> fields = e.errors().stream().map(FieldError::field).distinct().toList();
              assertThat(fields)
                  .contains(
                      "name",
                      "description",
                      "command",
                      "env",
                      "workingDir",
                      "schedule",
                      "timeZone",
                      "concurrency",
                      "misfire",
                      "maxCatchUp",
                      "startingDeadline",
                      "timeout",
                      "retries",
                      "retryBackoff",
                      "tags",
                      "user",
                      "group",
                      "limits",
                      "notify",
                      "sla",
                      "after",
                      "exclude",
                      "mode");
              assertThat(e.getMessage())
                  .contains("schedule: \"0 61 * * * *\" minute 61 is out of range 0-59");
              assertThat(e.getMessage()).contains("env: ETCRON_X is reserved");
              assertThat(e.getMessage())
                  .contains("timeZone: \"Mars/Olympus\" is not an IANA time zone");
            });
  }

  @Test
  void a_schedule_without_future_fire_is_refused() {
    assertThatThrownBy(() -> Job.from(spec("once", "true", "@at 2020-01-01T00:00:00Z"), NOW))
        .hasMessageContaining("schedule: \"@at 2020-01-01T00:00:00Z\" is in the past");
    assertThatThrownBy(() -> Job.from(spec("never", "true", "0 0 0 30 2 *"), NOW))
        .hasMessageContaining("never fires");
  }

  @Test
  void names_that_could_leave_a_key_prefix_are_refused() {
    for (String name :
        new String[] {
          "", "a/b", "..", "a..b", ".hidden", "x".repeat(129), "tab\tname", "sp ace", "ü"
        }) {
      assertThatThrownBy(() -> Job.from(spec(name, "true", "@daily"), NOW))
          .as(name)
          .isInstanceOf(InvalidJobException.class)
          .hasMessageStartingWith("name: ");
    }
    assertThat(Job.from(spec("A-1.b_c", "true", "@daily"), NOW).name().value())
        .isEqualTo("A-1.b_c");
  }

  @Test
  void random_specs_either_validate_or_name_real_fields() {
    Random random = new Random(42);
    String[] strings = {
      null,
      "",
      " ",
      "a",
      "../x",
      "a/b",
      "\u0000",
      "\u0007",
      "ü",
      "nobody",
      "65534",
      "@every 1s",
      "@daily",
      "0 61 * * * *",
      "* * * * * *",
      "UTC",
      "Europe/Berlin",
      "allow",
      "forbid",
      "replace",
      "skip",
      "once",
      "all",
      "10s",
      "PT5M",
      "-1s",
      "x".repeat(2000),
      "1h30m",
      "/tmp",
      "ETCRON_A",
      "99999999999d"
    };
    for (int i = 0; i < 5000; i++) {
      Map<String, String> env = new HashMap<>();
      if (random.nextBoolean()) {
        env.put(pick(random, strings, "K"), pick(random, strings, "v"));
      }
      List<String> tags = new ArrayList<>();
      if (random.nextBoolean()) {
        tags.add(pick(random, strings, "t"));
      }
      JobSpec s =
          new JobSpec(
              pick(random, strings, null),
              pick(random, strings, null),
              pick(random, strings, null),
              random.nextBoolean() ? env : null,
              pick(random, strings, null),
              pick(random, strings, null),
              pick(random, strings, null),
              pick(random, strings, null),
              pick(random, strings, null),
              random.nextBoolean() ? random.nextInt(2000) - 500 : null,
              pick(random, strings, null),
              pick(random, strings, null),
              random.nextBoolean() ? random.nextInt(30) - 10 : null,
              pick(random, strings, null),
              random.nextBoolean() ? tags : null,
              random.nextBoolean() ? random.nextBoolean() : null,
              pick(random, strings, null),
              pick(random, strings, null),
              random.nextBoolean()
                  ? null
                  : new JobSpec.LimitsSpec(
                      random.nextBoolean() ? (long) random.nextInt(100) - 10 : null,
                      random.nextBoolean() ? (long) random.nextInt(5000) - 10 : null,
                      pick(random, strings, null)),
              null,
              random.nextBoolean()
                  ? null
                  : List.of(
                      new JobSpec.NotifySpec(
                          random.nextBoolean() ? List.of(pick(random, strings, "failed")) : null,
                          pick(random, strings, null),
                          pick(random, strings, null))),
              pick(random, strings, null),
              random.nextBoolean()
                  ? null
                  : new JobSpec.AfterSpec(
                      random.nextBoolean() ? List.of(pick(random, strings, "a")) : null,
                      pick(random, strings, null)),
              random.nextBoolean()
                  ? null
                  : java.util.Arrays.asList(pick(random, strings, "2026-12-25")),
              pick(random, strings, null));
      try {
        Job job = Job.from(s, NOW);
        assertThat(Job.from(job.toSpec(), NOW)).isEqualTo(job);
      } catch (InvalidJobException e) {
        assertThat(e.errors()).isNotEmpty();
        e.errors().forEach(err -> assertThat(FIELDS).contains(err.field()));
      }
    }
  }

  private static String pick(Random r, String[] values, String fallback) {
    String v = values[r.nextInt(values.length)];
    return v == null ? fallback : v;
  }
}
