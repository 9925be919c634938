package io.etcron.master.http;

import static io.etcron.master.http.SchemaShapes.array;
import static io.etcron.master.http.SchemaShapes.bool;
import static io.etcron.master.http.SchemaShapes.dateTime;
import static io.etcron.master.http.SchemaShapes.integer;
import static io.etcron.master.http.SchemaShapes.object;
import static io.etcron.master.http.SchemaShapes.ref;
import static io.etcron.master.http.SchemaShapes.str;

import io.etcron.job.After;
import io.etcron.job.EnvVars;
import io.etcron.job.Exclusions;
import io.etcron.run.RunState;
import io.etcron.run.Trigger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON schemas of the OpenAPI document: request and response bodies with their field rules,
 * written to match {@link Views}, {@link ErrorBody} and the job validation. Stateless.
 */
final class Schemas {
  private static final String NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
  private static final String ACCOUNT = "^([a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})$";

  private Schemas() {}

  static Map<String, Object> all() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("JobSpec", jobSpec());
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
            state(),
            "fireTime",
            dateTime(),
            "durationMillis",
            integer(0)));
    s.put("Run", run());
    s.put("RunWithOutput", run());
    s.put("Delivery", NotifySchemas.delivery());
    s.put(
        "DeliveryList",
        Map.of(
            "type",
            "object",
            "additionalProperties",
            false,
            "required",
            List.of("notifications"),
            "properties",
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
    s.put("Stats", stats());
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
            Map.of("env", env("added to this run's environment, over the job's env"))));
    s.put("JobGraph", graph());
    s.put("TriggerAccepted", object(List.of("runId"), "runId", str("the manual run's id")));
    s.put("KillAccepted", object(List.of("job", "message"), "job", str("job"), "message", str("")));
    s.put("Object", Map.of("type", "object"));
    s.put("Error", error());
    return s;
  }

  static Map<String, Object> pathParam(String name) {
    return name.equals("name")
        ? Map.of("type", "string", "pattern", NAME)
        : Map.of("type", "string", "description", "job@fireTime~trigger");
  }

  private static Map<String, Object> jobSpec() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(
        "name", Map.of("type", "string", "pattern", NAME, "description", "no .., matches the URL"));
    p.put("description", Map.of("type", "string", "maxLength", 1000));
    p.put(
        "command",
        Map.of(
            "type",
            "string",
            "minLength",
            1,
            "maxLength",
            65536,
            "description",
            "run by /bin/sh -c; a job has a command or an http call, not both"));
    p.put("env", env("added to the command's environment"));
    p.put("workingDir", str("absolute path"));
    p.put(
        "schedule",
        Map.of(
            "type",
            "string",
            "maxLength",
            512,
            "description",
            "6-field cron with seconds, 5-field cron, @hourly/@daily/..., @every <duration>,"
                + " @at <instant>"));
    p.put("timeZone", str("IANA zone, default UTC"));
    p.put("concurrency", Map.of("type", "string", "enum", List.of("allow", "forbid", "replace")));
    p.put("misfire", Map.of("type", "string", "enum", List.of("skip", "once", "all")));
    p.put("maxCatchUp", Map.of("type", "integer", "minimum", 1, "maximum", 1000));
    p.put("startingDeadline", str("duration, e.g. 5m"));
    p.put("timeout", str("duration, e.g. 30s"));
    p.put("retries", Map.of("type", "integer", "minimum", 0, "maximum", 10));
    p.put("retryBackoff", str("duration, doubles per retry"));
    p.put("tags", Map.of("type", "array", "maxItems", 20, "items", Map.of("type", "string")));
    p.put("paused", bool());
    p.put(
        "user",
        Map.of(
            "type",
            "string",
            "pattern",
            ACCOUNT,
            "description",
            "run the command as this user of the worker's host (name or uid); the worker must be"
                + " root and allow it (--run-as-users; root only when listed)"));
    p.put(
        "group",
        Map.of(
            "type",
            "string",
            "pattern",
            ACCOUNT,
            "description",
            "with user: run with this group (name or gid) instead of the user's primary one"));
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put(
        "cpuSeconds",
        Map.of(
            "type",
            "integer",
            "minimum",
            1,
            "maximum",
            366L * 24 * 3600,
            "description",
            "RLIMIT_CPU: SIGXCPU when used up"));
    limits.put(
        "openFiles",
        Map.of(
            "type", "integer", "minimum", 1, "maximum", 1L << 30, "description", "RLIMIT_NOFILE"));
    limits.put(
        "memory",
        str("RLIMIT_AS: a size such as 512MiB or 2G (powers of 1024) or bytes; 1MiB-1024TiB"));
    p.put(
        "limits",
        Map.of(
            "type",
            "object",
            "additionalProperties",
            false,
            "description",
            "rlimits set before the command starts; a value the kernel refuses fails the run",
            "properties",
            limits));
    NotifySchemas.addJobFields(p);
    p.put("http", http());
    p.put("after", after());
    p.put(
        "mode",
        Map.of(
            "type",
            "string",
            "enum",
            List.of("single", "broadcast"),
            "description",
            "single (default): each fire runs once; broadcast: once on every live eligible worker,"
                + " as job@fire#index with ETCRON_SHARD_INDEX and ETCRON_SHARD_TOTAL; concurrency"
                + " allow only"));
    p.put(
        "exclude",
        Map.of(
            "type",
            "array",
            "maxItems",
            Exclusions.MAX_ENTRIES,
            "description",
            "days in the job's zone whose fires do not run (recorded SKIPPED): 2026-12-25 or"
                + " 2026-12-24..2026-12-26",
            "items",
            Map.of(
                "type",
                "string",
                "pattern",
                "^[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})?$")));
    return Map.of(
        "type",
        "object",
        "additionalProperties",
        false,
        "description",
        "exactly one of command and http is required; a schedule, an after, or both",
        "properties",
        p);
  }

  /** A job's parents, as {@code JobParser} and {@code AfterCheck} check them. */
  private static Map<String, Object> after() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(
        "jobs",
        Map.of(
            "type",
            "array",
            "minItems",
            1,
            "maxItems",
            After.MAX_PARENTS,
            "uniqueItems",
            true,
            "description",
            "parent jobs that exist, neither the job itself nor one of its descendants",
            "items",
            Map.of("type", "string", "pattern", NAME)));
    p.put(
        "on",
        Map.of(
            "type",
            "string",
            "enum",
            Arrays.stream(After.On.values()).map(o -> o.wire()).toList(),
            "description",
            "which parent outcomes run the job: success (default); failure (failed, timed out,"
                + " lost); always (any of these, or killed)"));
    return Map.of(
        "type",
        "object",
        "additionalProperties",
        false,
        "required",
        List.of("jobs"),
        "description",
        "run once after each run of a parent that ends as on says; its run id names the parent's",
        "properties",
        p);
  }

  /** The jobs around one, along {@code after} edges. */
  private static Map<String, Object> graph() {
    return object(
        List.of("job", "nodes", "edges", "truncated"),
        "job",
        str("the job asked about"),
        "nodes",
        array(
            object(
                List.of("name", "exists"),
                "name",
                str("a job"),
                "exists",
                bool(),
                "paused",
                bool(),
                "schedule",
                str("its schedule in words"))),
        "edges",
        array(
            object(
                List.of("from", "to", "on"),
                "from",
                str("the parent"),
                "to",
                str("the child"),
                "on",
                str("success, failure or always"))),
        "truncated",
        bool());
  }

  /** An HTTP job's call, as {@code HttpCallParser} checks it. */
  private static Map<String, Object> http() {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put(
        "url",
        Map.of(
            "type",
            "string",
            "maxLength",
            8192,
            "description",
            "absolute http:// or https:// URL, without user and password"));
    call.put(
        "method",
        Map.of(
            "type",
            "string",
            "enum",
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
            "description",
            "default GET (lower case is accepted and stored upper case)"));
    call.put(
        "headers",
        Map.of(
            "type",
            "object",
            "maxProperties",
            100,
            "description",
            "names are HTTP tokens, not X-Etcron-* (etcron sends X-Etcron-Run-Id and"
                + " X-Etcron-Fencing-Token) nor Host, Connection, Content-Length, Expect, Upgrade;"
                + " values without CR or LF",
            "additionalProperties",
            Map.of("type", "string", "maxLength", 8192)));
    call.put(
        "body",
        Map.of(
            "type", "string", "maxLength", 65536, "description", "sent as UTF-8; not with HEAD"));
    Map<String, Object> code = Map.of("type", "integer", "minimum", 100, "maximum", 599);
    Map<String, Object> statusClass = Map.of("type", "string", "pattern", "^[1-5][xX][xX]$");
    call.put(
        "expectStatus",
        Map.of(
            "description",
            "the statuses that make the run succeed: a code, a class such as \"2xx\", or a list"
                + " of them; default \"2xx\" (redirects are not followed)",
            "anyOf",
            List.of(
                code,
                statusClass,
                Map.of(
                    "type",
                    "array",
                    "minItems",
                    1,
                    "maxItems",
                    100,
                    "items",
                    Map.of("anyOf", List.of(code, statusClass))))));
    call.put(
        "timeout",
        str(
            "duration of the whole exchange, body included, 100ms-1d; default 30s or the job's"
                + " timeout if shorter, never longer than it; ends the run TIMED_OUT"));
    return Map.of(
        "type",
        "object",
        "additionalProperties",
        false,
        "required",
        List.of("url"),
        "description",
        "an HTTP request the worker makes instead of running a command: the run's output is the"
            + " status line and the first 64 KiB of the body",
        "properties",
        call);
  }

  /** Variables for a command's environment, as {@link EnvVars} checks them. */
  private static Map<String, Object> env(String description) {
    return Map.of(
        "type",
        "object",
        "description",
        description
            + "; names [A-Za-z_][A-Za-z0-9_]*, not starting with ETCRON_ (etcron sets those)",
        "maxProperties",
        EnvVars.MAX_COUNT,
        "additionalProperties",
        Map.of("type", "string", "maxLength", EnvVars.MAX_VALUE));
  }

  private static Map<String, Object> run() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", str("job@fireTime~trigger"));
    p.put("job", str("job name"));
    p.put("fireTime", dateTime());
    p.put(
        "trigger",
        Map.of(
            "type",
            "string",
            "enum",
            Arrays.stream(Trigger.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList()));
    p.put("state", state());
    p.put("startedAt", dateTime());
    p.put("endedAt", dateTime());
    p.put("durationMillis", integer(0));
    p.put("worker", str("worker id"));
    p.put("fencingToken", integer(0));
    p.put("attempt", integer(0));
    p.put("exitCode", Map.of("type", "integer"));
    p.put("signal", Map.of("type", "integer"));
    p.put("reason", str("why it ended so"));
    p.put("output", str("the stored output's tail"));
    p.put("outputSize", integer(0));
    p.put(
        "params",
        Map.of(
            "type",
            "object",
            "description",
            "the variables a manual run was asked with (left out of listings)",
            "additionalProperties",
            str("value")));
    return Map.of(
        "type",
        "object",
        "additionalProperties",
        false,
        "required",
        List.of(
            "id", "job", "fireTime", "trigger", "state", "fencingToken", "attempt", "outputSize"),
        "properties",
        p);
  }

  private static Map<String, Object> stats() {
    return object(
        List.of("counts"),
        "last",
        ref("Run"),
        "counts",
        Map.of("type", "object", "additionalProperties", integer(0)),
        "successRate",
        Map.of("type", "number", "minimum", 0, "maximum", 1),
        "p50Millis",
        integer(0),
        "p95Millis",
        integer(0),
        "p99Millis",
        integer(0));
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

  private static Map<String, Object> state() {
    return Map.of(
        "type", "string", "enum", Arrays.stream(RunState.values()).map(Enum::name).toList());
  }
}
