package io.etcron.master.http;

import static io.etcron.master.http.Route.Method.DELETE;
import static io.etcron.master.http.Route.Method.GET;
import static io.etcron.master.http.Route.Method.POST;
import static io.etcron.master.http.Route.Method.PUT;

import io.etcron.master.auth.Role;
import io.etcron.run.RunQuery;
import io.etcron.schedule.Fires;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The API's route table: every path, method, role, query parameter and answer in one place. The
 * server registers it and {@link OpenApi} documents it from the same list. Immutable.
 */
final class Routes {
  private Routes() {}

  static List<Route> table(
      JobHandlers jobs,
      RunsApi runs,
      ClusterApi cluster,
      Supplier<String> openApi,
      Supplier<String> metrics) {
    Route.Param limit = number("limit", 1, RunQuery.MAX_LIMIT, "page size, default 50");
    return List.of(
        Route.of(GET, "/healthz", Role.PUBLIC, "Liveness: the process answers", cluster::live)
            .answering(200, "Health"),
        Route.of(GET, "/readyz", Role.PUBLIC, "Readiness: etcd is reachable", cluster::ready)
            .answering(200, "Health")
            .answering(503, "Health"),
        Route.of(
                GET,
                "/api/v1/openapi.json",
                Role.PUBLIC,
                "This document",
                ctx -> ctx.contentType("application/json").result(openApi.get()))
            .answering(200, "Object"),
        Route.of(
                GET,
                "/api/v1/me",
                Role.VIEWER,
                "Who the token belongs to and its role",
                cluster::me)
            .answering(200, "Me"),
        Route.of(
                GET,
                "/api/v1/jobs",
                Role.VIEWER,
                "List jobs with their recent runs",
                jobs.list()::list)
            .withQuery(
                text("q", "filters by name, description, command or tag"),
                text("tag", "only jobs with this tag"),
                new Route.Param(
                    "paused",
                    Map.of("type", "boolean"),
                    false,
                    "only paused (true) or only active (false) jobs"),
                text("cursor", "nextCursor of the previous page"),
                number("limit", 1, JobListApi.MAX_LIMIT, "page size, default 100"))
            .answering(200, "JobList"),
        Route.of(
                POST,
                "/api/v1/jobs",
                Role.ADMIN,
                "Create or replace up to "
                    + JobListApi.MAX_APPLY
                    + " jobs ({\"jobs\": [JobSpec, …]}); a job already so defined is left"
                    + " unchanged; if any job is invalid nothing is written",
                jobs.list()::apply)
            .reading("JobApply")
            .answering(200, "JobApplyResults"),
        Route.of(
                GET,
                "/api/v1/jobs/{name}",
                Role.VIEWER,
                "Get a job; its version is the ETag",
                jobs.one()::get)
            .answering(200, "Job"),
        Route.of(
                PUT,
                "/api/v1/jobs/{name}",
                Role.ADMIN,
                "Create or replace a job (If-Match: version, If-None-Match: *)",
                jobs.one()::put)
            .reading("JobSpec")
            .answering(200, "Job")
            .answering(201, "Job"),
        Route.of(
                DELETE,
                "/api/v1/jobs/{name}",
                Role.ADMIN,
                "Delete a job and kill its runs (If-Match: version)",
                jobs.one()::delete)
            .answering(204, ""),
        Route.of(POST, "/api/v1/jobs/{name}/pause", Role.OPERATOR, "Pause a job", jobs.one()::pause)
            .answering(200, "Job"),
        Route.of(
                POST,
                "/api/v1/jobs/{name}/resume",
                Role.OPERATOR,
                "Resume a job (fires missed while paused are not caught up)",
                jobs.one()::resume)
            .answering(200, "Job"),
        Route.of(
                POST,
                "/api/v1/jobs/{name}/trigger",
                Role.OPERATOR,
                "Run a job once now, outside its schedule; the optional body {\"env\": {...}}"
                    + " adds variables to that run's environment",
                jobs.one()::trigger)
            .readingOptional("TriggerRequest")
            .answering(202, "TriggerAccepted"),
        Route.of(
                POST,
                "/api/v1/jobs/{name}/kill",
                Role.OPERATOR,
                "Kill every running run of a job",
                jobs.one()::kill)
            .answering(202, "KillAccepted"),
        Route.of(
                GET,
                "/api/v1/jobs/{name}/graph",
                Role.VIEWER,
                "The jobs a job runs after and the jobs that run after it (its after edges)",
                jobs.graph()::graph)
            .answering(200, "JobGraph"),
        Route.of(
                GET,
                "/api/v1/jobs/{name}/next",
                Role.VIEWER,
                "Next fire times of a job",
                jobs.preview()::next)
            .withQuery(number("n", 1, Fires.MAX_PREVIEW, "how many, default 5"))
            .answering(200, "Preview"),
        Route.of(
                GET,
                "/api/v1/schedule/preview",
                Role.VIEWER,
                "Next fire times of a draft schedule",
                jobs.preview()::previewDraft)
            .withQuery(
                required(text("schedule", "the schedule expression")),
                text("timeZone", "IANA time zone, default UTC"),
                text(
                    "exclude", "excluded days, comma-separated: 2026-12-25,2026-12-30..2027-01-01"),
                number("n", 1, Fires.MAX_PREVIEW, "how many, default 5"))
            .answering(200, "Preview"),
        Route.of(GET, "/api/v1/runs", Role.VIEWER, "List runs, newest first", runs::list)
            .withQuery(
                text("job", "only this job's runs"),
                text("state", "comma-separated states, e.g. failed,timed_out"),
                text("worker", "only runs on this worker"),
                text("since", "ISO-8601 instant or a duration ago such as 24h"),
                text("until", "ISO-8601 instant or a duration ago"),
                text("cursor", "nextCursor of the previous page"),
                limit)
            .answering(200, "RunList"),
        Route.of(GET, "/api/v1/runs/{id}", Role.VIEWER, "Get a run with its output", runs::get)
            .answering(200, "RunWithOutput"),
        Route.of(
                GET,
                "/api/v1/runs/{id}/notifications",
                Role.VIEWER,
                "The deliveries of a run's notifications (webhooks, email): status, attempts, last"
                    + " error, next attempt",
                runs::notifications)
            .answering(200, "DeliveryList"),
        Route.of(
                GET,
                "/api/v1/runs/{id}/output",
                Role.VIEWER,
                "A run's stored output from a byte offset",
                runs::output)
            .withQuery(number("from", 0, Long.MAX_VALUE, "byte offset, default 0"))
            .answering(200, "OutputSlice"),
        Route.of(
                GET,
                "/api/v1/runs/{id}/output/stream",
                Role.VIEWER,
                "A run's output as server-sent events, live: output events {offset, text} with the"
                    + " offset after them as id, then one end event carrying the run",
                runs::stream)
            .withQuery(number("from", 0, Long.MAX_VALUE, "byte offset to resume from, default 0"))
            .answering(200, Route.EVENTS),
        Route.of(GET, "/api/v1/stats", Role.VIEWER, "Per-job statistics over a window", runs::stats)
            .withQuery(
                required(text("job", "one job name or several, comma-separated")),
                text("since", "ISO-8601 instant or a duration ago, default 24h"))
            .answering(200, "StatsByJob"),
        Route.of(GET, "/api/v1/workers", Role.VIEWER, "Live workers, by id", cluster::workers)
            .withQuery(
                number("limit", 1, 1000, "default 1000"),
                text("cursor", "the nextCursor of the previous page"))
            .answering(200, "WorkerList"),
        Route.of(
                GET,
                "/api/v1/audit",
                Role.VIEWER,
                "The audit trail of job changes, newest first",
                cluster::audit)
            .withQuery(
                text("job", "only this job's entries"),
                number("limit", 1, 1000, "default 100"),
                text("cursor", "the nextCursor of the previous page"))
            .answering(200, "AuditList"),
        Route.of(
                GET,
                "/metrics",
                Role.VIEWER,
                "Prometheus metrics",
                ctx ->
                    ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.get()))
            .answering(200, Route.TEXT));
  }

  private static Route.Param text(String name, String description) {
    return new Route.Param(name, Map.of("type", "string"), false, description);
  }

  private static Route.Param number(String name, long min, long max, String description) {
    return new Route.Param(
        name,
        Map.of("type", "integer", "format", "int64", "minimum", min, "maximum", max),
        false,
        description);
  }

  /** The same parameter, required. */
  private static Route.Param required(Route.Param p) {
    return new Route.Param(p.name(), p.schema(), true, p.description());
  }
}
