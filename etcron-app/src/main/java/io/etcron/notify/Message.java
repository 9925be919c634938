package io.etcron.notify;

import io.etcron.job.Job;
import io.etcron.json.Json;
import io.etcron.run.Delivery;
import io.etcron.run.Run;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a delivery says: the webhook's JSON body and the email's subject and text. The job's command
 * and environment are left out (they may carry secrets); the link opens the run's page. Immutable.
 *
 * @param key the delivery
 * @param run the run as stored now
 * @param job the job, when it still exists
 * @param link the run's page in the web UI
 */
record Message(Delivery.Key key, Run run, Optional<Job> job, String link) {

  /** A message with a link under {@code base} (ending in {@code /}). */
  static Message of(Delivery.Key key, Run run, Optional<Job> job, String base) {
    String link =
        base
            + "#/runs/"
            + URLEncoder.encode(run.id().toString(), StandardCharsets.UTF_8)
                .replace("+", "%20")
                // as the web UI's encodeURIComponent writes it
                .replace("%7E", "~");
    return new Message(key, run, job, link);
  }

  /** The webhook body. */
  byte[] json() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", key.event().wire());
    body.put("idempotencyKey", key.idempotencyKey());
    body.put("link", link);
    body.put("run", runFields());
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("name", run.job());
    job.ifPresent(
        x -> {
          j.put("description", x.description());
          j.put("schedule", x.schedule().expression());
          j.put("timeZone", x.timeZone().getId());
          j.put("tags", x.tags().stream().sorted().toList());
        });
    body.put("job", j);
    return Json.write(body).getBytes(StandardCharsets.UTF_8);
  }

  private Map<String, Object> runFields() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", run.id().toString());
    r.put("job", run.job());
    r.put("fireTime", run.fireTime().toString());
    r.put("trigger", run.trigger().name().toLowerCase(Locale.ROOT));
    r.put("state", run.state().name());
    run.startedAt().ifPresent(t -> r.put("startedAt", t.toString()));
    run.endedAt().ifPresent(t -> r.put("endedAt", t.toString()));
    r.put("worker", run.worker());
    r.put("attempt", run.attempt());
    run.exitCode().ifPresent(c -> r.put("exitCode", c));
    run.signal().ifPresent(s -> r.put("signal", s));
    r.put("reason", run.reason());
    return r;
  }

  /** The email subject: job, event and run id. */
  String subject() {
    return "[etcron] " + run.job() + " " + key.event().wire() + ": " + run.id();
  }

  /** The email text. */
  String text() {
    StringBuilder b = new StringBuilder();
    b.append("Job ").append(run.job()).append(": ").append(key.event().wire()).append("\n\n");
    b.append("Run:      ").append(run.id()).append('\n');
    b.append("State:    ").append(run.state()).append('\n');
    b.append("Fired:    ").append(run.fireTime()).append('\n');
    run.startedAt().ifPresent(t -> b.append("Started:  ").append(t).append('\n'));
    run.endedAt().ifPresent(t -> b.append("Ended:    ").append(t).append('\n'));
    b.append("Worker:   ").append(run.worker()).append('\n');
    b.append("Attempt:  ").append(run.attempt()).append('\n');
    run.exitCode().ifPresent(c -> b.append("Exit:     ").append(c).append('\n'));
    if (!run.reason().isEmpty()) {
      b.append("Reason:   ").append(run.reason()).append('\n');
    }
    b.append("\n").append(link).append('\n');
    return b.toString();
  }
}
