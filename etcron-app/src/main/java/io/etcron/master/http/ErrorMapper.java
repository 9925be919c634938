package io.etcron.master.http;

import io.etcron.job.InvalidJobException;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.VersionConflictException;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.run.RunStoreException;
import io.etcron.store.EtcdRequestException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to a status and a JSON {@link ErrorBody}, once: client mistakes are 4xx with a
 * message saying what to fix, an unreachable backend is a 503, and a 500 carries no stack trace.
 * Stateless and thread-safe.
 */
final class ErrorMapper {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static void register(JavalinConfig config, long maxBody) {
    var routes = config.routes;
    routes.exception(ApiException.class, (e, ctx) -> send(ctx, e));
    routes.exception(InvalidJobException.class, (e, ctx) -> send(ctx, invalidJob(e)));
    routes.exception(
        JobNotFoundException.class, (e, ctx) -> send(ctx, ApiError.NOT_FOUND.with(e.getMessage())));
    routes.exception(
        VersionConflictException.class,
        (e, ctx) -> {
          boolean precondition =
              ctx.header("If-Match") != null || ctx.header("If-None-Match") != null;
          if (e.actual() > 0) {
            ctx.header("ETag", Params.etag(e.actual()));
          }
          ApiError error = precondition ? ApiError.PRECONDITION_FAILED : ApiError.VERSION_CONFLICT;
          send(ctx, error.with(e.getMessage()));
        });
    routes.exception(
        EtcdUnavailableException.class,
        (e, ctx) -> {
          log.warn("etcd unavailable: {}", e.getMessage());
          send(
              ctx,
              ApiError.ETCD_UNAVAILABLE.with(
                  "etcd is not reachable right now; nothing was changed or the change was not"
                      + " confirmed: "
                      + e.getMessage()));
        });
    routes.exception(
        EtcdRequestException.class,
        (e, ctx) -> {
          // Not the client's mistake: the master's etcd user, role or quota, or a limit of etcd's.
          log.warn("etcd refused a request: {}", e.getMessage());
          send(
              ctx,
              ApiError.ETCD_REFUSED.with(
                  e.getMessage()
                      + (e.code().equals("PERMISSION_DENIED")
                          ? " (the master's etcd user needs readwrite on its namespace)"
                          : "")));
        });
    routes.exception(
        RunStoreException.class,
        (e, ctx) -> {
          log.warn("run store unavailable: {}", e.getMessage());
          send(
              ctx, ApiError.RUN_STORE_UNAVAILABLE.with("the run store is not reachable right now"));
        });
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> send(ctx, fromStatus(ctx, e.getStatus(), maxBody)));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("unexpected error serving {} {}", ctx.req().getMethod(), ctx.path(), e);
          send(ctx, ApiError.INTERNAL.with("unexpected error on the master; see its log"));
        });
    for (int status : List.of(404, 405, 413)) {
      routes.error(
          status,
          ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
              send(ctx, fromStatus(ctx, status, maxBody));
            }
          });
    }
  }

  /** The error for a status Javalin or Jetty chose (no route, wrong method, body too large). */
  private static ApiException fromStatus(Context ctx, int status, long maxBody) {
    String method = ctx.req().getMethod();
    return switch (status) {
      case 404 -> ApiError.NOT_FOUND.with("no such endpoint: " + method + " " + ctx.path());
      case 405 -> ApiError.METHOD_NOT_ALLOWED.with(method + " is not allowed on " + ctx.path());
      case 413 ->
          ApiError.BODY_TOO_LARGE.with(
              "the request body is larger than " + maxBody / 1024 + " KiB");
      default ->
          status < 500
              ? ApiError.BAD_REQUEST.with(HttpStatus.forStatus(status).getMessage())
              : ApiError.INTERNAL.with("unexpected error on the master; see its log");
    };
  }

  private static ApiException invalidJob(InvalidJobException e) {
    Optional<String> field =
        e.errors().size() == 1 ? Optional.of(e.errors().get(0).field()) : Optional.empty();
    return new ApiException(
        ApiError.INVALID_JOB,
        e.getMessage(),
        field,
        e.errors().stream().map(f -> new ErrorBody.FieldMessage(f.field(), f.message())).toList());
  }

  private static void send(Context ctx, ApiException e) {
    ctx.status(e.error().status()).json(e.body());
  }
}
