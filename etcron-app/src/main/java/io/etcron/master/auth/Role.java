package io.etcron.master.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;

/**
 * What a token may do. Each role may do what the ones before it may. Immutable; {@link #PUBLIC}
 * marks the routes anyone may call and is never a token's role.
 */
public enum Role implements RouteRole {
  /** No token needed: health, readiness and the OpenAPI document. */
  PUBLIC,
  /** Reads jobs, runs, workers and the audit trail. */
  VIEWER,
  /** Also pauses, resumes, triggers and kills. */
  OPERATOR,
  /** Also creates, changes and deletes jobs. */
  ADMIN;

  /** Whether this role may call a route that needs {@code needed}. */
  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /**
   * A token's role as written in {@code name:role:secret}.
   *
   * @throws IllegalArgumentException naming the roles a token may have
   */
  public static Role parse(String s) {
    Role role;
    try {
      role = valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      role = PUBLIC;
    }
    if (role == PUBLIC) {
      throw new IllegalArgumentException(
          "role \"" + s + "\" is not one of viewer, operator, admin");
    }
    return role;
  }

  /** The role as written in tokens and shown to people, e.g. {@code operator}. */
  public String lower() {
    return name().toLowerCase(Locale.ROOT);
  }
}
