package io.etcron.job;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The account a job's command runs as on the worker's host, instead of the worker's own: a user
 * and, optionally, a group (default: the user's primary group). Each is a name in the POSIX
 * portable form {@code [a-z_][a-z0-9_-]{0,31}} or a numeric id. Whether the account exists is only
 * known on the worker's host, at run time.
 *
 * @param user a user name or uid
 * @param group a group name or gid; empty for the user's primary group
 */
public record RunAs(String user, Optional<String> group) {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}|[0-9]{1,10}");

  /**
   * @throws IllegalArgumentException saying what is wrong with a name
   */
  public RunAs {
    String problem = problem(user);
    if (problem == null && group.isPresent()) {
      problem = problem(group.get());
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** What is wrong with {@code name} as a user or group name, or null when it is valid. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "must not be empty";
    }
    if (!NAME.matcher(name).matches()
        || (name.chars().allMatch(Character::isDigit) && !uid(name))) {
      return "\""
          + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
          + "\" is not a user or group name ([a-z_][a-z0-9_-]{0,31}) nor a numeric id";
    }
    return null;
  }

  private static boolean uid(String digits) {
    return Long.parseLong(digits) <= 0xFFFF_FFFEL; // (uid_t) -1 means "no change" to setuid
  }

  /** Whether this names the superuser by name or id (a group does not make it so). */
  public boolean root() {
    return user.equals("root")
        || user.chars().allMatch(Character::isDigit) && Long.parseLong(user) == 0;
  }

  @Override
  public String toString() {
    return group.map(g -> user + ":" + g).orElse(user);
  }
}
