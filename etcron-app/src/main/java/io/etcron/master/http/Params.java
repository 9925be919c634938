package io.etcron.master.http;

import io.etcron.job.JobName;
import io.etcron.job.JobStore;
import io.etcron.schedule.Durations;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads and validates request parameters; every mistake is a 400 naming the parameter. */
final class Params {
  private Params() {}

  static JobName jobName(Context ctx) {
    String raw = ctx.pathParam("name");
    String problem = JobName.problem(raw);
    if (problem != null) {
      throw ApiException.badRequest("name: " + problem, "name");
    }
    return new JobName(raw);
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
        // fall through
      }
      throw ApiException.badRequest(
          "If-Match must be a job version as returned in ETag, e.g. \"12\"", "If-Match");
    }
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.trim().equals("*")) {
      return JobStore.ABSENT;
    }
    return JobStore.ANY_VERSION;
  }

  static int intParam(Context ctx, String name, int otherwise, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ApiException.badRequest(
        name + " must be a whole number between " + min + " and " + max, name);
  }

  /** An instant as ISO-8601, or a duration ago ({@code 1h}, {@code 30m}). */
  static Optional<Instant> time(Context ctx, String name, Clock clock) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(v.trim()));
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(clock.instant().minus(Durations.parse(v)));
      } catch (IllegalArgumentException e2) {
        throw ApiException.badRequest(
            name + " must be an ISO-8601 instant or a duration ago such as 1h", name);
      }
    }
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }
}
