package io.etcron.master.http;

import io.etcron.master.auth.Principal;
import io.etcron.master.auth.Role;
import io.etcron.master.auth.TokenSource;
import io.etcron.master.auth.Tokens;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication and authorisation: a bearer token in the {@code Authorization} header (never in
 * the URL, where it would end up in logs and history) is looked up in the tokens in force now and
 * its role checked against the route's. Unknown tokens count against the client's address (see
 * {@link SignInLimiter}); an address refused answers 429 with {@code Retry-After}, and each refusal
 * is written once to the audit trail ({@link SignInAudit}). Whether tokens are needed at all is
 * decided at start: with none every caller is {@link Principal#LOCAL}. Thread-safe.
 */
final class Auth {
  private static final String PRINCIPAL = "etcron.principal";

  private final TokenSource tokens;
  private final boolean required;
  private final SignInLimiter limiter;
  private final SignInAudit audit;

  Auth(TokenSource tokens, SignInLimiter limiter, SignInAudit audit) {
    this.tokens = tokens;
    this.required = !tokens.current().isEmpty();
    this.limiter = limiter;
    this.audit = audit;
  }

  /** Whether callers must present a token. */
  boolean required() {
    return required;
  }

  /** Runs before each matched route: refuses the caller unless its role allows the route. */
  void authorize(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    Role needed = roles.isEmpty() ? Role.PUBLIC : (Role) roles.iterator().next();
    if (needed == Role.PUBLIC) {
      return;
    }
    Principal who = required ? caller(ctx) : Principal.LOCAL;
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
    String address = ctx.req().getRemoteAddr();
    Optional<Duration> refused = limiter.refusedFor(address);
    if (refused.isPresent()) {
      long seconds = Math.max(1, (refused.get().toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      throw ApiError.TOO_MANY_SIGN_INS.with(
          "too many unknown tokens from "
              + SignInLimiter.key(address)
              + ": sign-ins from it are refused for "
              + seconds
              + " s");
    }
    Tokens now = tokens.current();
    Optional<Principal> who = now.lookup(secret);
    if (who.isEmpty()) {
      if (limiter.failed(address)) {
        audit.refused(SignInLimiter.key(address), limiter.maxFailures(), limiter.window());
      }
      throw ApiError.UNAUTHORIZED.with("the token is not known to this master");
    }
    return who.get();
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
