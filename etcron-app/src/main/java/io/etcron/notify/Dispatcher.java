package io.etcron.notify;

import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobStore;
import io.etcron.run.Delivery;
import io.etcron.run.Outbox;
import io.etcron.run.Run;
import io.etcron.run.RunStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sends the deliveries that are due, one at a time, and stores each attempt's outcome: delivered,
 * pending again after the {@link DeliveryRetry}, or failed with its last error once retries ran
 * out. Not thread-safe: the notifier's thread only.
 */
final class Dispatcher {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Dispatcher.class);
  static final int PAGE = 50;

  private final Outbox outbox;
  private final RunStore runs;
  private final JobStore jobs;
  private final NotifySettings settings;
  private final String baseUrl;
  private final Clock clock;
  private final WebhookSender webhooks;
  private final Optional<MailSender> mail;

  Dispatcher(Sources sources, NotifySettings settings, String baseUrl) {
    this.outbox = sources.outbox();
    this.runs = sources.runs();
    this.jobs = sources.jobs();
    this.clock = sources.clock();
    this.settings = settings;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.webhooks = new WebhookSender(settings.webhookSecret());
    this.mail = settings.smtp().map(MailSender::new);
  }

  /**
   * Sends one page of due deliveries; returns how many attempts it stored ({@link #PAGE} when more
   * may be due).
   */
  int sendDue() throws InterruptedException {
    List<Delivery> due = outbox.due(clock.instant(), PAGE);
    int stored = 0;
    for (Delivery d : due) {
      Optional<String> error;
      try {
        error = attempt(d);
      } catch (RuntimeException e) {
        // Our side failed (the run store or etcd), not the target: not an attempt; next round.
        log.warn("notification {} not sent now: {}", d.key(), e.getMessage());
        continue;
      }
      outbox.recordAttempt(outcome(d, error, clock.instant()));
      stored++;
    }
    return stored;
  }

  private Optional<String> attempt(Delivery d) throws InterruptedException {
    Optional<Run> run = runs.get(d.key().run());
    if (run.isEmpty()) {
      return Optional.of("run " + d.key().run() + " no longer exists");
    }
    Optional<Job> job = jobs.get(JobName.of(run.get().job())).map(JobStore.Versioned::job);
    Message m = Message.of(d.key(), run.get().summary(), job, baseUrl);
    String target = d.key().target();
    if (target.startsWith("webhook:")) {
      return webhooks.post(
          target.substring("webhook:".length()),
          d.key().event().wire(),
          d.key().idempotencyKey(),
          m.json());
    }
    if (target.startsWith("email:")) {
      if (mail.isEmpty()) {
        return Optional.of("no SMTP server is configured on the masters (--smtp-host)");
      }
      return mail.get()
          .send(
              target.substring("email:".length()), m.subject(), m.text(), d.key().idempotencyKey());
    }
    return Optional.of("unknown target " + target);
  }

  private Delivery outcome(Delivery d, Optional<String> error, Instant now) {
    int attempts = d.attempts() + 1;
    if (error.isEmpty()) {
      return new Delivery(
          d.key(), Delivery.Status.DELIVERED, attempts, Optional.empty(), now, d.createdAt(), now);
    }
    Optional<Instant> next = settings.retry().next(attempts, d.createdAt(), now);
    return new Delivery(
        d.key(),
        next.isPresent() ? Delivery.Status.PENDING : Delivery.Status.FAILED,
        attempts,
        error,
        next.orElse(now),
        d.createdAt(),
        now);
  }
}
