package io.etcron.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotifyRulesTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private static Job job(JobSpecs s) {
    return Job.from(s.build(), NOW);
  }

  private static JobSpecs with(JobSpec.NotifySpec... n) {
    return JobSpecs.of("j", "@every 1m", "true").notify(List.of(n));
  }

  private static JobSpec.NotifySpec hook(String url, String... on) {
    return new JobSpec.NotifySpec(List.of(on), url, null);
  }

  private static JobSpec.NotifySpec mail(String to, String... on) {
    return new JobSpec.NotifySpec(List.of(on), null, to);
  }

  private static List<String> errors(JobSpecs s) {
    try {
      job(s);
    } catch (InvalidJobException e) {
      assertThat(e.errors()).allMatch(f -> f.field().equals("notify") || f.field().equals("sla"));
      return e.errors().stream().map(FieldError::message).toList();
    }
    throw new AssertionError("accepted: " + s.build());
  }

  @Test
  void webhooks_and_emails_with_their_events_are_kept_and_written_back() {
    Job job =
        job(
            with(
                    hook("https://hooks.example.com/a", "failed", "timed_out", "recovered"),
                    mail("ops@example.com", "late", "lost"))
                .sla("10m"));
    assertThat(job.notifyRules())
        .containsExactly(
            new NotifyRule(
                Set.of(NotifyEvent.FAILED, NotifyEvent.TIMED_OUT, NotifyEvent.RECOVERED),
                NotifyRule.Channel.WEBHOOK,
                "https://hooks.example.com/a"),
            new NotifyRule(
                Set.of(NotifyEvent.LATE, NotifyEvent.LOST),
                NotifyRule.Channel.EMAIL,
                "ops@example.com"));
    assertThat(job.sla()).contains(Duration.ofMinutes(10));
    assertThat(job.notifyRules().get(0).targetKey())
        .isEqualTo("webhook:https://hooks.example.com/a");
    assertThat(Job.from(job.toSpec(), NOW)).isEqualTo(job);
    assertThat(job.toSpec().notifyTargets().get(1))
        .isEqualTo(new JobSpec.NotifySpec(List.of("lost", "late"), null, "ops@example.com"));
  }

  @Test
  void a_job_without_notify_has_none() {
    Job job = job(JobSpecs.of("j", "@every 1m", "true"));
    assertThat(job.notifyRules()).isEmpty();
    assertThat(job.sla()).isEmpty();
    assertThat(job.toSpec().notifyTargets()).isNull();
  }

  @Test
  void unknown_events_are_refused_naming_the_entry_and_the_allowed_ones() {
    assertThat(errors(with(hook("http://127.0.0.1:9/x", "failed", "exploded"))))
        .containsExactly(
            "notify[0].on: \"exploded\" is not one of failed, timed_out, lost, missed, killed,"
                + " recovered, late");
    assertThat(errors(with(new JobSpec.NotifySpec(null, "http://127.0.0.1:9/x", null))))
        .singleElement()
        .asString()
        .startsWith("notify[0].on: is required");
  }

  @Test
  void a_webhook_must_be_an_absolute_http_url() {
    for (String bad :
        List.of("ftp://example.com/x", "/relative", "example.com/x", "http://", "http://a b")) {
      assertThat(errors(with(hook(bad, "failed"))))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("notify[0].webhook: ");
    }
    assertThat(errors(with(hook("https://u:p@example.com/x", "failed"))))
        .singleElement()
        .asString()
        .contains("credentials");
  }

  @Test
  void an_email_must_be_a_plausible_address() {
    for (String bad : List.of("ops", "ops@", "@example.com", "a b@example.com", "ops@localhost")) {
      assertThat(errors(with(mail(bad, "failed"))))
          .as(bad)
          .containsExactly("notify[0].email: \"" + bad + "\" is not an email address");
    }
  }

  @Test
  void an_entry_has_exactly_one_target_and_a_target_appears_once() {
    assertThat(
            errors(
                with(
                    mail("ops@example.com", "failed"),
                    new JobSpec.NotifySpec(List.of("failed"), "http://x.example/", "a@example.com"),
                    new JobSpec.NotifySpec(List.of("failed"), null, null))))
        .containsExactly(
            "notify[1]: needs exactly one of webhook (a URL) or email (an address)",
            "notify[2]: needs exactly one of webhook (a URL) or email (an address)");
    assertThat(errors(with(mail("ops@example.com", "failed"), mail("ops@example.com", "lost"))))
        .singleElement()
        .asString()
        .contains("listed twice");
  }

  @Test
  void the_list_is_bounded() {
    JobSpec.NotifySpec[] many =
        Collections.nCopies(NotifyRules.MAX_RULES + 1, mail("ops@example.com", "failed"))
            .toArray(JobSpec.NotifySpec[]::new);
    assertThat(errors(with(many)))
        .containsExactly("notify: has 11 entries; at most 10 are allowed");
  }

  @Test
  void the_sla_is_a_duration_in_range() {
    assertThat(errors(JobSpecs.of("j", "@every 1m", "true").sla("0s")))
        .containsExactly("sla: 0s is out of range 1s-30d");
    assertThat(errors(JobSpecs.of("j", "@every 1m", "true").sla("soon"))).hasSize(1);
  }
}
