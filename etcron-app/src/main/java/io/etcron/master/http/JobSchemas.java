package io.etcron.master.http;

import static io.etcron.master.http.SchemaShapes.array;
import static io.etcron.master.http.SchemaShapes.bool;
import static io.etcron.master.http.SchemaShapes.closed;
import static io.etcron.master.http.SchemaShapes.object;
import static io.etcron.master.http.SchemaShapes.str;

import io.etcron.job.After;
import io.etcron.job.EnvVars;
import io.etcron.job.Exclusions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI schemas of a job: its definition with the field rules of the job validation, its
 * parents ({@code after}) and the graph around it. Stateless.
 */
final class JobSchemas {
  /** The pattern of a job name; {@code JobName} also refuses {@code ..}. */
  static final String NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

  /** A user or group of the worker's host: a name or a number. */
  private static final String ACCOUNT = "^([a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})$";

  private JobSchemas() {}

  /** A job's definition, as {@code JobParser} checks it. */
  static Map<String, Object> jobSpec() {
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
        account(
            "run the command as this user of the worker's host (name or uid); the worker must be"
                + " root and allow it (--run-as-users; root only when listed)"));
    p.put(
        "group",
        account("with user: run with this group (name or gid) instead of the user's primary one"));
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
    p.put("http", HttpCallSchemas.call());
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

  /** A user or group of the worker's host, as {@link #ACCOUNT}. */
  private static Map<String, Object> account(String description) {
    return Map.of("type", "string", "pattern", ACCOUNT, "description", description);
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
    return closed(
        List.of("jobs"),
        "run once after each run of a parent that ends as on says; its run id names the parent's",
        p);
  }

  /** The jobs around one, along {@code after} edges. */
  static Map<String, Object> graph() {
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

  /** Variables for a command's environment, as {@link EnvVars} checks them. */
  static Map<String, Object> env(String description) {
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
}
