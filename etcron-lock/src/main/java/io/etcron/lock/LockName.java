package io.etcron.lock;

import java.util.regex.Pattern;

/**
 * Validates names of locks and elections: they become one segment of an etcd key, so nothing in
 * them may leave the prefix ({@code /}, {@code ..}) or hide in logs (control characters).
 */
public final class LockName {
  /** Longest name accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private LockName() {}

  /**
   * Returns {@code name} if valid.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static String check(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "name is " + name.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("name must not contain control characters");
    }
    if (name.contains("/") || name.contains("..")) {
      throw new IllegalArgumentException(
          "name \"" + name + "\" must not contain / or .. (it is one segment of an etcd key)");
    }
    if (!VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name \""
              + name
              + "\" must start with a letter or digit and contain only letters,"
              + " digits, '.', '_' and '-'");
    }
    return name;
  }
}
