package io.etcron.master.http;

import io.javalin.security.RouteRole;
import java.util.Locale;

/** What a token may do. Each role may do what the ones before it may. */
public enum Role implements RouteRole {
  /** Reads jobs, runs, workers and the audit trail. */
  VIEWER,
  /** Also pauses, resumes, triggers and kills. */
  OPERATOR,
  /** Also creates, changes and deletes jobs. */
  ADMIN;

  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /**
   * @throws IllegalArgumentException naming the roles
   */
  public static Role parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "role \"" + s + "\" is not one of viewer, operator, admin");
    }
  }

  public String lower() {
    return name().toLowerCase(Locale.ROOT);
  }
}
