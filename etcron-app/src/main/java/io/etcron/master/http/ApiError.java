package io.etcron.master.http;

import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;

/**
 * Every refusal the API answers with: an HTTP status and a stable {@code error} code. A handler
 * writes {@code throw ApiError.BAD_REQUEST.at("limit", "limit must be ...")}. Immutable.
 */
enum ApiError {
  BAD_REQUEST(HttpStatus.BAD_REQUEST, "bad_request"),
  MALFORMED_JSON(HttpStatus.BAD_REQUEST, "malformed_json"),
  UNKNOWN_FIELD(HttpStatus.BAD_REQUEST, "unknown_field"),
  WRONG_TYPE(HttpStatus.BAD_REQUEST, "wrong_type"),
  METHOD_OVERRIDE(HttpStatus.BAD_REQUEST, "method_override_refused"),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized"),
  TOO_MANY_SIGN_INS(HttpStatus.TOO_MANY_REQUESTS, "too_many_sign_ins"),
  FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden"),
  CROSS_ORIGIN(HttpStatus.FORBIDDEN, "cross_origin_refused"),
  HOST_REFUSED(HttpStatus.FORBIDDEN, "host_refused"),
  NOT_FOUND(HttpStatus.NOT_FOUND, "not_found"),
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed"),
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "not_acceptable"),
  VERSION_CONFLICT(HttpStatus.CONFLICT, "version_conflict"),
  PRECONDITION_FAILED(HttpStatus.PRECONDITION_FAILED, "version_conflict"),
  BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "body_too_large"),
  UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
  INVALID_JOB(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_job"),
  INVALID_SCHEDULE(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_schedule"),
  INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "internal"),
  ETCD_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "etcd_unavailable"),
  ETCD_REFUSED(HttpStatus.SERVICE_UNAVAILABLE, "etcd_refused"),
  RUN_STORE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "run_store_unavailable");

  private final HttpStatus status;
  private final String code;

  ApiError(HttpStatus status, String code) {
    this.status = status;
    this.code = code;
  }

  HttpStatus status() {
    return status;
  }

  String code() {
    return code;
  }

  /** This refusal with a message and no field to blame. */
  ApiException with(String message) {
    return new ApiException(this, message, Optional.empty(), List.of());
  }

  /** This refusal blaming {@code field} (a body field, parameter or header name). */
  ApiException at(String field, String message) {
    return new ApiException(this, message, Optional.of(field), List.of());
  }

  /** The JSON body of this refusal. */
  ErrorBody body(String message) {
    return new ErrorBody(code, message, Optional.empty(), List.of());
  }
}
