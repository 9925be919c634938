/**
 * The master's HTTP layer (Javalin). {@code Routes} is the route table, from which the OpenAPI
 * document is made; {@code Guard} checks every request (method overrides, cross-site writes,
 * rebound host names), {@code Auth} checks tokens and roles, the handlers are small ({@code
 * JobHandlers} for the jobs: {@code JobListApi}, {@code JobsApi}, {@code JobGraphApi}, {@code
 * SchedulePreviewApi}; then {@code RunsApi}, {@code ClusterApi}), and {@code ErrorMapper} maps
 * every failure once to a JSON error {@code {error, message, field?, fields?}}.
 *
 * <p>{@code Https} is the TLS connector (HTTP/2 and HTTP/1.1 by ALPN); {@code SignInLimiter} and
 * {@code SignInAudit} bound and record failed sign-ins.
 *
 * <p>May depend on the domain, the stores' value types, {@code master.auth}, {@code tls} and the
 * JSON mapper; never on {@code io.etcron.master} itself, the worker or the CLI.
 */
package io.etcron.master.http;
