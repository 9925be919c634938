package io.etcron.master.http;

import io.etcron.job.JobName;
import io.etcron.job.JobStore;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.schedule.Durations;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One parser per parameter type; every mistake is a 400 naming the parameter. Stateless and
 * thread-safe.
 */
final class Params {
  /** The earliest instant a {@code since}/{@code until} may name. */
  static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

  /** The latest instant a {@code since}/{@code until} may name. */
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private Params() {}

  /** The job name in the path ({@code {name}}). */
  static JobName jobName(Context ctx) {
    return name("name", ctx.pathParam("name"));
  }

  /** An optional name in the query (a job or worker), absent when blank. */
  static Optional<JobName> name(Context ctx, String param) {
    return Optional.ofNullable(ctx.queryParam(param))
        .filter(v -> !v.isBlank())
        .map(v -> name(param, v));
  }

  private static JobName name(String param, String raw) {
    String problem = JobName.problem(raw);
    if (problem != null) {
      throw ApiError.BAD_REQUEST.at(param, param + ": " + problem);
    }
    return new JobName(raw);
  }

  /** The run id in the path ({@code {id}}). */
  static RunId runId(Context ctx) {
    try {
      return RunId.parse(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiError.BAD_REQUEST.at("id", "id: " + e.getMessage());
    }
  }

  /** {@code If-Match: "12"} → 12; {@code If-None-Match: *} → absent; else any version. */
  static long expectedVersion(Context ctx) {
    String ifMatch = ctx.header("If-Match");
    if (ifMatch != null && !ifMatch.isBlank()) {
      String v = ifMatch.trim().replace("W/", "").replace("\"", "");
      try {
        long version = Long.parseLong(v);
        if (version > 0) {
          return version;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw ApiError.BAD_REQUEST.at(
          "If-Match", "If-Match must be a job version as returned in ETag, e.g. \"12\"");
    }
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.trim().equals("*")) {
      return JobStore.ABSENT;
    }
    return JobStore.ANY_VERSION;
  }

  /** A whole number in {@code [min, max]}, {@code otherwise} when absent. */
  static long number(Context ctx, String name, long otherwise, long min, long max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiError.BAD_REQUEST.at(
        name, name + " must be a whole number between " + min + " and " + max);
  }

  /** {@code true} or {@code false}, empty when absent. */
  static Optional<Boolean> bool(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    return switch (v.trim()) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> throw ApiError.BAD_REQUEST.at(name, name + " must be true or false");
    };
  }

  /** {@link #number} for {@code int} ranges. */
  static int intParam(Context ctx, String name, int otherwise, int min, int max) {
    return (int) number(ctx, name, otherwise, min, max);
  }

  /**
   * An instant as ISO-8601, or a duration ago ({@code 1h}, {@code 30m}), between {@link #EARLIEST}
   * and {@link #LATEST}.
   */
  static Optional<Instant> time(Context ctx, String name, Clock clock) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    Instant t;
    try {
      t = Instant.parse(v.trim());
    } catch (DateTimeParseException e) {
      t = ago(name, v, clock);
    }
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw ApiError.BAD_REQUEST.at(
          name, name + " must lie between the years 0 and 9999, not " + v.trim());
    }
    return Optional.of(t);
  }

  private static Instant ago(String name, String v, Clock clock) {
    Duration d;
    try {
      d = Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw ApiError.BAD_REQUEST.at(
          name, name + " must be an ISO-8601 instant or a duration ago such as 1h");
    }
    try {
      return clock.instant().minus(d);
    } catch (DateTimeException | ArithmeticException e) {
      return Instant.MIN;
    }
  }

  /** Comma-separated run states, case-insensitive; empty when absent. */
  static Set<RunState> states(Context ctx) {
    String param = ctx.queryParam("state");
    if (param == null || param.isBlank()) {
      return Set.of();
    }
    Set<RunState> states = new LinkedHashSet<>();
    for (String s : param.split(",")) {
      try {
        states.add(RunState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ApiError.BAD_REQUEST.at(
            "state",
            "state \""
                + s.trim()
                + "\" is not one of "
                + Arrays.toString(RunState.values()).toLowerCase(Locale.ROOT));
      }
    }
    return states;
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }
}
