package io.etcron.master.http;

import static io.etcron.master.http.SchemaShapes.array;
import static io.etcron.master.http.SchemaShapes.bool;
import static io.etcron.master.http.SchemaShapes.closed;
import static io.etcron.master.http.SchemaShapes.dateTime;
import static io.etcron.master.http.SchemaShapes.integer;
import static io.etcron.master.http.SchemaShapes.object;
import static io.etcron.master.http.SchemaShapes.ref;
import static io.etcron.master.http.SchemaShapes.str;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON schemas of the OpenAPI document: request and response bodies with their field rules,
 * written to match {@link Views}, {@link ErrorBody} and the job validation. Every schema by name,
 * in the document's order; those of a job by {@link JobSchemas}, {@link HttpCallSchemas} and {@link
 * NotifySchemas}, those of a run by {@link RunSchemas}. Stateless.
 */
final class Schemas {
  private Schemas() {}

  static Map<String, Object> all() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("JobSpec", JobSchemas.jobSpec());
    s.put(
        "JobApply",
        object(
            List.of("jobs"),
            "jobs",
            Map.of("type", "array", "items", ref("JobSpec"), "minItems", 1, "maxItems", 500)));
    s.put(
        "JobApplyResults",
        object(
            List.of("results"),
            "results",
            array(
                object(
                    List.of("job", "result", "version"),
                    "job",
                    str("the job's name"),
                    "result",
                    Map.of("type", "string", "enum", List.of("created", "changed", "unchanged")),
                    "version",
                    integer(1)))));
    s.put(
        "Job",
        object(
            List.of("spec", "version", "schedule", "nextFires"),
            "spec",
            ref("JobSpec"),
            "version",
            integer(1),
            "schedule",
            str("the schedule in words"),
            "nextFires",
            array(dateTime()),
            "stats",
            ref("Stats"),
            "recent",
            array(ref("RecentRun"))));
    s.put(
        "JobList",
        object(
            List.of("jobs", "total"),
            "jobs",
            array(ref("Job")),
            "nextCursor",
            str("next page"),
            "total",
            integer(0)));
    s.put(
        "RecentRun",
        object(
            List.of("id", "state", "fireTime"),
            "id",
            str("run id"),
            "state",
            RunSchemas.state(),
            "fireTime",
            dateTime(),
            "durationMillis",
            integer(0)));
    s.put("Run", RunSchemas.run());
    s.put("RunWithOutput", RunSchemas.run());
    s.put("Delivery", NotifySchemas.delivery());
    s.put(
        "DeliveryList",
        closed(
            List.of("notifications"),
            Map.of(
                "notifications",
                Map.of("type", "array", "maxItems", 100, "items", ref("Delivery")))));
    s.put(
        "RunList",
        object(List.of("runs"), "runs", array(ref("Run")), "nextCursor", str("next page")));
    s.put(
        "OutputSlice",
        object(
            List.of("offset", "text", "totalSize", "finished"),
            "offset",
            integer(0),
            "text",
            str("UTF-8 text"),
            "totalSize",
            integer(0),
            "finished",
            bool()));
    s.put("Stats", RunSchemas.stats());
    s.put("StatsByJob", Map.of("type", "object", "additionalProperties", ref("Stats")));
    s.put(
        "Preview",
        object(
            List.of("schedule", "description", "timeZone", "fires", "local"),
            "schedule",
            str("the expression"),
            "description",
            str("in words"),
            "timeZone",
            str("IANA zone"),
            "fires",
            array(dateTime()),
            "local",
            array(str("local time with zone")),
            "excluded",
            array(dateTime())));
    s.put("Worker", worker());
    s.put(
        "WorkerList",
        object(
            List.of("workers"), "workers", array(ref("Worker")), "nextCursor", str("next page")));
    s.put("Audit", audit());
    s.put(
        "AuditList",
        object(List.of("entries"), "entries", array(ref("Audit")), "nextCursor", str("next page")));
    s.put(
        "Me",
        object(
            List.of("name", "role", "authRequired"),
            "name",
            str("token name"),
            "role",
            Map.of("type", "string", "enum", List.of("viewer", "operator", "admin")),
            "authRequired",
            bool()));
    s.put(
        "Health",
        object(
            List.of("status"), "status", str("ok, ready or unavailable"), "message", str("why")));
    s.put(
        "TriggerRequest",
        Map.of(
            "type",
            "object",
            "additionalProperties",
            false,
            "properties",
            Map.of("env", JobSchemas.env("added to this run's environment, over the job's env"))));
    s.put("JobGraph", JobSchemas.graph());
    s.put("TriggerAccepted", object(List.of("runId"), "runId", str("the manual run's id")));
    s.put("KillAccepted", object(List.of("job", "message"), "job", str("job"), "message", str("")));
    s.put("Object", Map.of("type", "object"));
    s.put("Error", error());
    return s;
  }

  static Map<String, Object> pathParam(String name) {
    return name.equals("name")
        ? Map.of("type", "string", "pattern", JobSchemas.NAME)
        : Map.of("type", "string", "description", "job@fireTime~trigger");
  }

  private static Map<String, Object> worker() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", str("worker id"));
    p.put("host", str("host name"));
    p.put("pid", integer(0));
    p.put("version", str("etcron version"));
    p.put("tags", array(str("tag")));
    p.put("capacity", integer(0));
    p.put("startedAt", dateTime());
    p.put("running", array(str("run id")));
    p.put("lease", str("etcd lease id"));
    return Map.of(
        "type", "object", "required", List.of("id", "capacity", "running"), "properties", p);
  }

  private static Map<String, Object> audit() {
    return object(
        List.of("at", "actor", "action", "job", "version"),
        "at",
        dateTime(),
        "actor",
        str("token name; for sign-in-refused the client address"),
        "action",
        str("create, update, delete, pause, resume, trigger, kill, sign-in-refused"),
        "job",
        str("job name; empty for an entry about no job"),
        "previousVersion",
        integer(0),
        "version",
        integer(0),
        "definition",
        ref("JobSpec"),
        "detail",
        str("what happened, for an entry about no job"));
  }

  private static Map<String, Object> error() {
    return object(
        List.of("error", "message"),
        "error",
        str("stable code"),
        "message",
        str("what went wrong and what to do"),
        "field",
        str("the field, parameter or header to blame"),
        "fields",
        array(object(List.of("field", "message"), "field", str("field"), "message", str("why"))));
  }
}
