/**
 * The master's HTTP layer (Javalin): the routes in one table ({@link io.etcron.master.http.Api}),
 * small handlers, bearer-token authentication with three roles, and one mapping of every client
 * mistake to a 4xx JSON error {@code {error, message, field?}}.
 */
package io.etcron.master.http;
