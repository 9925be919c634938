package io.etcron.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The rules for variables etcron adds to a command's environment: a job's {@code env} and the
 * parameters of a manual run follow the same ones. Stateless and thread-safe.
 */
public final class EnvVars {
  /** Variables at most. */
  public static final int MAX_COUNT = 100;

  /** Characters of one value at most. */
  public static final int MAX_VALUE = 32 * 1024;

  /** A variable name a shell can read. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

  private EnvVars() {}

  /**
   * The valid variables of {@code raw}, in name order; each invalid one adds an error to {@code
   * errors} and is left out.
   *
   * @param field the field the variables came in, e.g. {@code env}
   * @param perName where an error about one variable is reported: {@code field} itself (a job's
   *     {@code env}) or a field per name (a manual run's {@code env.K})
   */
  static Map<String, String> check(
      Map<String, String> raw,
      String field,
      UnaryOperator<String> perName,
      List<FieldError> errors) {
    if (raw == null) {
      return Map.of();
    }
    if (raw.size() > MAX_COUNT) {
      errors.add(
          error(field, "has " + raw.size() + " variables; at most " + MAX_COUNT + " are allowed"));
      return Map.of();
    }
    Map<String, String> env = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String k = e.getKey();
      String at = k == null ? field : perName.apply(k);
      if (k == null || !NAME.matcher(k).matches()) {
        errors.add(error(at, "\"" + k + "\" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"));
      } else if (k.toUpperCase(Locale.ROOT).startsWith("ETCRON_")) {
        errors.add(error(at, k + " is reserved: etcron sets the ETCRON_ variables itself"));
      } else if (e.getValue() == null) {
        errors.add(error(at, k + " has no value"));
      } else if (e.getValue().indexOf('\0') >= 0 || e.getValue().length() > MAX_VALUE) {
        errors.add(error(at, k + " must be at most " + MAX_VALUE + " characters without NUL"));
      } else {
        env.put(k, e.getValue());
      }
    }
    return env;
  }

  /**
   * The parameters of a manual run ({@code {"env": {...}}} of a trigger), validated like a job's
   * {@code env}; an error about a variable names the field {@code env.NAME}.
   *
   * @return the variables, in name order
   * @throws InvalidJobException listing each invalid variable
   */
  public static Map<String, String> parameters(Map<String, String> raw) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, String> env = check(raw, "env", k -> "env." + k, errors);
    if (!errors.isEmpty()) {
      throw new InvalidJobException(errors);
    }
    return Collections.unmodifiableMap(env);
  }

  private static FieldError error(String field, String message) {
    return new FieldError(field, field + ": " + message);
  }
}
