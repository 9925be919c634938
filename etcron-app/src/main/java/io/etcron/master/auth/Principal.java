package io.etcron.master.auth;

/**
 * Who makes a request.
 *
 * @param name the token's name, recorded in the audit trail
 * @param role what it may do
 */
public record Principal(String name, Role role) {
  /** Anyone on loopback when the master has no tokens. */
  public static final Principal LOCAL = new Principal("local", Role.ADMIN);
}
