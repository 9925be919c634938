package io.etcron.master.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.etcron.job.InvalidJobException;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.VersionConflictException;
import io.etcron.json.Json;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.run.RunStoreException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API in one place: the route table, authentication and authorisation, and the mapping of every
 * failure to a JSON error. Client mistakes are 4xx with a message saying what to fix; a 500 carries
 * no stack trace.
 */
public final class Api {
  private static final Logger log = LoggerFactory.getLogger(Api.class);

  /** Largest request body accepted. */
  public static final long MAX_BODY = 256 * 1024;

  private static final String PRINCIPAL = "etcron.principal";
  private static final String AUTH_REQUIRED = "etcron.authRequired";

  private final List<Route> routes;
  private final Tokens tokens;

  private volatile String openApi;

  Api(
      JobsApi jobs,
      RunsApi runs,
      ClusterApi cluster,
      Tokens tokens,
      java.util.function.Supplier<String> metrics) {
    this.tokens = tokens;
    this.routes =
        List.of(
            Route.get("/healthz", null, "Liveness: the process answers", cluster::live),
            Route.get("/readyz", null, "Readiness: etcd is reachable", cluster::ready),
            Route.get(
                "/api/v1/openapi.json",
                null,
                "This document",
                ctx -> ctx.contentType("application/json").result(openApi())),
            Route.get(
                "/api/v1/me", Role.VIEWER, "Who the token belongs to and its role", cluster::me),
            Route.get(
                "/api/v1/jobs",
                Role.VIEWER,
                "List jobs (q= filters by name, description, command, tag)",
                jobs::list),
            Route.get(
                "/api/v1/jobs/{name}",
                Role.VIEWER,
                "Get a job; its version is the ETag",
                jobs::get),
            Route.put(
                "/api/v1/jobs/{name}",
                Role.ADMIN,
                "Create or replace a job (If-Match: version, If-None-Match: *)",
                jobs::put),
            Route.delete(
                "/api/v1/jobs/{name}",
                Role.ADMIN,
                "Delete a job and kill its runs (If-Match: version)",
                jobs::delete),
            Route.post("/api/v1/jobs/{name}/pause", Role.OPERATOR, "Pause a job", jobs::pause),
            Route.post(
                "/api/v1/jobs/{name}/resume",
                Role.OPERATOR,
                "Resume a job (fires missed while paused are not caught up)",
                jobs::resume),
            Route.post(
                "/api/v1/jobs/{name}/trigger",
                Role.OPERATOR,
                "Run a job once now, outside its schedule",
                jobs::trigger),
            Route.post(
                "/api/v1/jobs/{name}/kill",
                Role.OPERATOR,
                "Kill every running run of a job",
                jobs::kill),
            Route.get(
                "/api/v1/jobs/{name}/next",
                Role.VIEWER,
                "Next fire times of a job (n=5)",
                jobs::next),
            Route.get(
                "/api/v1/schedule/preview",
                Role.VIEWER,
                "Next fire times of a draft schedule (schedule=, timeZone=, n=)",
                jobs::previewDraft),
            Route.get(
                "/api/v1/runs",
                Role.VIEWER,
                "List runs, newest first (job=, state=, worker=, since=, until=, cursor=, limit=)",
                runs::list),
            Route.get("/api/v1/runs/{id}", Role.VIEWER, "Get a run with its output", runs::get),
            Route.get(
                "/api/v1/runs/{id}/output",
                Role.VIEWER,
                "A run's stored output from an offset (from=)",
                runs::output),
            Route.sse(
                "/api/v1/runs/{id}/output/stream",
                Role.VIEWER,
                "A run's output as server-sent events, live",
                runs::stream),
            Route.get(
                "/api/v1/stats",
                Role.VIEWER,
                "Per-job statistics over a window (job=a,b&since=24h)",
                runs::stats),
            Route.get("/api/v1/workers", Role.VIEWER, "Live workers", cluster::workers),
            Route.get(
                "/api/v1/audit",
                Role.VIEWER,
                "The audit trail of job changes, newest first (job=, limit=)",
                cluster::audit),
            Route.get(
                "/metrics",
                Role.VIEWER,
                "Prometheus metrics",
                ctx ->
                    ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.get())));
  }

  /** The OpenAPI document, made from the route table. */
  String openApi() {
    if (openApi == null) {
      openApi = Json.write(OpenApi.document(routes));
    }
    return openApi;
  }

  /** The route table. */
  public List<Route> routes() {
    return routes;
  }

  /** Registers routes, access control and error mapping on a Javalin configuration. */
  void configure(JavalinConfig config) {
    config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
    config.http.maxRequestSize = MAX_BODY;
    config.routes.beforeMatched(this::authorize);
    for (Route r : routes) {
      RouteRole[] roles = r.role() == null ? new RouteRole[0] : new RouteRole[] {r.role()};
      switch (r.method()) {
        case "GET" -> config.routes.get(r.path(), r.handler(), roles);
        case "PUT" -> config.routes.put(r.path(), r.handler(), roles);
        case "POST" -> config.routes.post(r.path(), r.handler(), roles);
        case "DELETE" -> config.routes.delete(r.path(), r.handler(), roles);
        case "SSE" -> config.routes.sse(r.path(), r.sse(), roles);
        default -> throw new IllegalStateException(r.method());
      }
    }
    errors(config);
  }

  /** Bearer token (or {@code access_token=} for event streams, which cannot send headers). */
  private void authorize(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    ctx.attribute(AUTH_REQUIRED, !tokens.isEmpty());
    if (roles.isEmpty()) {
      return;
    }
    Role needed = (Role) roles.iterator().next();
    Principal who;
    if (tokens.isEmpty()) {
      who = Principal.LOCAL;
    } else {
      String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
      String secret =
          header.regionMatches(true, 0, "Bearer ", 0, 7)
              ? header.substring(7).trim()
              : Optional.ofNullable(ctx.queryParam("access_token")).orElse("");
      if (secret.isEmpty()) {
        throw new ApiException(
            401,
            "unauthorized",
            "this master requires a token: send Authorization: Bearer <token>");
      }
      who =
          tokens
              .lookup(secret)
              .orElseThrow(
                  () ->
                      new ApiException(
                          401, "unauthorized", "the token is not known to this master"));
    }
    if (!who.role().allows(needed)) {
      throw new ApiException(
          403,
          "forbidden",
          "token "
              + who.name()
              + " has role "
              + who.role().lower()
              + "; this needs "
              + needed.lower());
    }
    ctx.attribute(PRINCIPAL, who);
  }

  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    return p != null ? p : Principal.LOCAL;
  }

  static boolean authRequired(Context ctx) {
    Boolean b = ctx.attribute(AUTH_REQUIRED);
    return b != null && b;
  }

  /** The audit trail's "who". */
  static String actor(Context ctx) {
    return principal(ctx).name();
  }

  private static void errors(JavalinConfig config) {
    config.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
    config.routes.exception(
        InvalidJobException.class,
        (e, ctx) ->
            ctx.status(422)
                .json(
                    new ErrorBody(
                        "invalid_job",
                        e.getMessage(),
                        e.errors().size() == 1
                            ? Optional.of(e.errors().get(0).field())
                            : Optional.empty(),
                        e.errors().stream()
                            .map(f -> new ErrorBody.FieldMessage(f.field(), f.message()))
                            .toList())));
    config.routes.exception(
        JobNotFoundException.class,
        (e, ctx) ->
            ctx.status(404)
                .json(new ErrorBody("not_found", e.getMessage(), Optional.empty(), null)));
    config.routes.exception(
        VersionConflictException.class,
        (e, ctx) -> {
          boolean precondition =
              ctx.header("If-Match") != null || ctx.header("If-None-Match") != null;
          if (e.actual() > 0) {
            ctx.header("ETag", Params.etag(e.actual()));
          }
          ctx.status(precondition ? 412 : 409)
              .json(new ErrorBody("version_conflict", e.getMessage(), Optional.empty(), null));
        });
    config.routes.exception(
        EtcdUnavailableException.class,
        (e, ctx) -> {
          log.warn("etcd unavailable: {}", e.getMessage());
          ctx.status(503)
              .json(
                  new ErrorBody(
                      "etcd_unavailable",
                      "etcd is not reachable right now; nothing was changed or the change was not confirmed: "
                          + e.getMessage(),
                      Optional.empty(),
                      null));
        });
    config.routes.exception(
        RunStoreException.class,
        (e, ctx) -> {
          log.warn("run store unavailable: {}", e.getMessage());
          ctx.status(503)
              .json(
                  new ErrorBody(
                      "run_store_unavailable",
                      "the run store is not reachable right now",
                      Optional.empty(),
                      null));
        });
    config.routes.exception(
        HttpResponseException.class,
        (e, ctx) ->
            ctx.status(e.getStatus())
                .json(
                    switch (e.getStatus()) {
                      case 413 ->
                          new ErrorBody(
                              "body_too_large",
                              "the request body is larger than " + MAX_BODY / 1024 + " KiB",
                              Optional.empty(),
                              null);
                      case 404 ->
                          new ErrorBody(
                              "not_found",
                              "no such endpoint: " + ctx.method() + " " + ctx.path(),
                              Optional.empty(),
                              null);
                      case 405 ->
                          new ErrorBody(
                              "method_not_allowed",
                              ctx.method() + " is not allowed on " + ctx.path(),
                              Optional.empty(),
                              null);
                      default ->
                          new ErrorBody(
                              "http_" + e.getStatus(), e.getMessage(), Optional.empty(), null);
                    }));
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("unexpected error serving {} {}", ctx.method(), ctx.path(), e);
          ctx.status(500)
              .json(
                  new ErrorBody(
                      "internal",
                      "unexpected error on the master; see its log",
                      Optional.empty(),
                      null));
        });
    config.routes.error(
        404,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            ctx.json(
                new ErrorBody(
                    "not_found",
                    "no such endpoint: " + ctx.method() + " " + ctx.path(),
                    Optional.empty(),
                    null));
          }
        });
    config.routes.error(
        405,
        ctx ->
            ctx.json(
                new ErrorBody(
                    "method_not_allowed",
                    ctx.method() + " is not allowed on " + ctx.path(),
                    Optional.empty(),
                    null)));
  }

  /** Jackson's complaint about a body, as a 400 naming the field. */
  static ApiException jsonError(JacksonException e) {
    String path =
        e instanceof JsonMappingException m
            ? m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
            : "";
    Optional<String> field =
        path.isEmpty() ? Optional.empty() : Optional.of(path.replace(".[", "["));
    if (e instanceof UnrecognizedPropertyException u) {
      return new ApiException(
          400,
          "unknown_field",
          "unknown field \""
              + u.getPropertyName()
              + "\"; known fields are "
              + u.getKnownPropertyIds(),
          Optional.of(u.getPropertyName()),
          List.of());
    }
    if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
      return new ApiException(
          400,
          "wrong_type",
          field.map(f -> f + ": ").orElse("")
              + "wrong type: "
              + e.getOriginalMessage().split("\n")[0],
          field,
          List.of());
    }
    return new ApiException(
        400,
        "malformed_json",
        "the body is not valid JSON: " + e.getOriginalMessage().split("\n")[0],
        field,
        List.of());
  }
}
