package io.etcron.master.http;

import io.etcron.master.auth.Principal;
import io.etcron.master.auth.Role;
import io.etcron.master.auth.Tokens;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication and authorisation: a bearer token in the {@code Authorization} header (never in
 * the URL, where it would end up in logs and history) is looked up and its role checked against the
 * route's. With no tokens configured every caller is {@link Principal#LOCAL}. Thread-safe.
 */
final class Auth {
  private static final String PRINCIPAL = "etcron.principal";

  private final Tokens tokens;

  Auth(Tokens tokens) {
    this.tokens = tokens;
  }

  /** Whether callers must present a token. */
  boolean required() {
    return !tokens.isEmpty();
  }

  /** Runs before each matched route: refuses the caller unless its role allows the route. */
  void authorize(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    Role needed = roles.isEmpty() ? Role.PUBLIC : (Role) roles.iterator().next();
    if (needed == Role.PUBLIC) {
      return;
    }
    Principal who = tokens.isEmpty() ? Principal.LOCAL : caller(ctx);
    if (!who.role().allows(needed)) {
      throw ApiError.FORBIDDEN.with(
          "token "
              + who.name()
              + " has role "
              + who.role().lower()
              + "; this needs "
              + needed.lower());
    }
    ctx.attribute(PRINCIPAL, who);
  }

  private Principal caller(Context ctx) {
    String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
    String secret =
        header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
    if (secret.isEmpty()) {
      throw ApiError.UNAUTHORIZED.with(
          "this master requires a token: send Authorization: Bearer <token>");
    }
    return tokens
        .lookup(secret)
        .orElseThrow(() -> ApiError.UNAUTHORIZED.with("the token is not known to this master"));
  }

  /** Who makes the request (after {@link #authorize}). */
  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    return p != null ? p : Principal.LOCAL;
  }

  /** The audit trail's "who". */
  static String actor(Context ctx) {
    return principal(ctx).name();
  }
}
