package io.etcron.job;

import java.util.regex.Pattern;

/**
 * A job's name: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}} without {@code ..}. It becomes one segment
 * of etcd keys and of URLs, so nothing in it can leave its prefix.
 *
 * @param value the name
 */
public record JobName(String value) implements Comparable<JobName> {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /**
   * @throws IllegalArgumentException saying what is wrong
   */
  public JobName {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  public static JobName of(String value) {
    return new JobName(value);
  }

  /** What is wrong with {@code value} as a name, or null when it is valid. */
  public static String problem(String value) {
    if (value == null || value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > 128) {
      return "is " + value.length() + " characters long; at most 128 are allowed";
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      return "must not contain control characters";
    }
    if (value.contains("/") || value.contains("..")) {
      return "\"" + value + "\" must not contain / or ..";
    }
    if (!VALID.matcher(value).matches()) {
      return "\""
          + value
          + "\" must start with a letter or digit and contain only letters, digits, '.', '_' and '-'";
    }
    return null;
  }

  @Override
  public int compareTo(JobName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
