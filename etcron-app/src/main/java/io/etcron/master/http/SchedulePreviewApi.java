package io.etcron.master.http;

import io.etcron.job.Exclusions;
import io.etcron.job.FieldError;
import io.etcron.job.JobName;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.JobStore;
import io.etcron.schedule.Fires;
import io.etcron.schedule.InvalidScheduleException;
import io.etcron.schedule.Schedule;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The handlers of the next fire times: a stored job's ({@code GET /api/v1/jobs/{name}/next}) and a
 * draft schedule's ({@code GET /api/v1/schedule/preview}), with the fires its excluded days skip.
 * Stateless apart from the job store it reads.
 *
 * @param jobs the jobs whose schedules it previews
 * @param clock now, from which the next fires are counted
 */
record SchedulePreviewApi(JobStore jobs, Clock clock) {
  void next(Context ctx) {
    JobName name = Params.jobName(ctx);
    JobStore.Versioned v = jobs.get(name).orElseThrow(() -> new JobNotFoundException(name.value()));
    int n = Params.intParam(ctx, "n", 5, 1, Fires.MAX_PREVIEW);
    ctx.json(preview(v.job().schedule(), v.job().timeZone(), v.job().exclude(), n));
  }

  /**
   * {@code GET /api/v1/schedule/preview?schedule=...&timeZone=...&n=5}: for the UI as one types.
   */
  void previewDraft(Context ctx) {
    String expr = ctx.queryParam("schedule");
    if (expr == null || expr.isBlank()) {
      throw ApiError.BAD_REQUEST.at("schedule", "schedule: is required");
    }
    String zoneId =
        Optional.ofNullable(ctx.queryParam("timeZone")).filter(z -> !z.isBlank()).orElse("UTC");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneId);
    } catch (DateTimeException e) {
      throw ApiError.INVALID_SCHEDULE.at(
          "timeZone",
          "timeZone: \"" + zoneId + "\" is not an IANA time zone such as Europe/Berlin or UTC");
    }
    Schedule schedule;
    try {
      schedule = Schedule.parse(expr);
    } catch (InvalidScheduleException e) {
      throw ApiError.INVALID_SCHEDULE.at("schedule", "schedule: " + e.getMessage());
    }
    String exclude = ctx.queryParam("exclude");
    Exclusions days = Exclusions.NONE;
    if (exclude != null && !exclude.isBlank()) {
      List<FieldError> errors = new ArrayList<>();
      days = Exclusions.parse(List.of(exclude.split(",")), errors);
      if (!errors.isEmpty()) {
        throw ApiError.BAD_REQUEST.at("exclude", errors.get(0).message());
      }
    }
    ctx.json(preview(schedule, zone, days, Params.intParam(ctx, "n", 5, 1, Fires.MAX_PREVIEW)));
  }

  /** The next {@code n} fires that run, and those before them that excluded days skip. */
  private Views.Preview preview(Schedule s, ZoneId zone, Exclusions days, int n) {
    List<Instant> excluded = new ArrayList<>();
    List<Instant> fires =
        Fires.nextN(s, zone, clock.instant(), n, t -> days.reason(t, zone).isEmpty(), excluded);
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
    return new Views.Preview(
        s.expression(),
        s.describe(),
        zone.getId(),
        fires,
        fires.stream().map(i -> f.format(i.atZone(zone))).toList(),
        excluded);
  }
}
