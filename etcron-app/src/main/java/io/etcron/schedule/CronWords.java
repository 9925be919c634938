package io.etcron.schedule;

import java.time.DayOfWeek;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A valid cron expression in English words, e.g. "at 12:00 on Monday, Wednesday, Friday and
 * Sunday". Stateless.
 */
final class CronWords {
  private CronWords() {}

  /**
   * @param f six upper-case fields of a valid expression, {@code ?} read as {@code *}
   * @param unixDays whether restricted day fields are ORed
   */
  static String describe(String expression, String[] f, boolean unixDays) {
    List<String> parts = new ArrayList<>();
    parts.add(time(f[0], f[1], f[2]));
    String dom = f[3].equals("*") ? null : monthDays(f[3]);
    String dow = f[5].equals("*") ? null : weekDays(expression, f[5]);
    if (dom != null && dow != null) {
      boolean either = unixDays && !f[3].startsWith("*") && !f[5].startsWith("*");
      parts.add(dom + (either ? " or " : ", only ") + dow);
    } else if (dom != null || dow != null) {
      parts.add(dom != null ? dom : dow);
    }
    if (!f[4].equals("*")) {
      parts.add("in " + field(f[4], "month", CronWords::monthName));
    }
    return String.join(" ", parts);
  }

  private static String time(String s, String m, String h) {
    if (single(s) && single(m) && single(h)) {
      String at = "at %02d:%02d".formatted(Integer.parseInt(h), Integer.parseInt(m));
      return s.equals("0") ? at : at + ":%02d".formatted(Integer.parseInt(s));
    }
    List<String> parts = new ArrayList<>();
    if (s.equals("*")) {
      parts.add("every second");
    } else if (!s.equals("0") || m.equals("*")) {
      parts.add(s.equals("0") ? "every minute" : at(s, "second"));
      if (m.equals("*") && !s.contains("/") && !s.equals("0")) {
        parts.add("of every minute");
      }
    }
    if (!m.equals("*")) {
      parts.add(m.equals("0") && h.equals("*") && s.equals("0") ? "every hour" : at(m, "minute"));
      if (h.equals("*") && !m.contains("/") && !(m.equals("0") && s.equals("0"))) {
        parts.add("of every hour");
      }
    }
    String time = String.join(", ", parts).replace(", of every", " of every");
    if (h.equals("*")) {
      return time;
    }
    String hours = field(h, "hour", Integer::parseInt);
    return parts.isEmpty() ? at(h, "hour") : time + " during " + hours;
  }

  private static String at(String value, String unit) {
    String words = field(value, unit, Integer::parseInt);
    return words.startsWith("every") ? words : "at " + words;
  }

  /**
   * A numeric field: "every 15 seconds", "minute 5", "hours 9 to 17", "seconds 0, 15 and 30",
   * "every 10 minutes from 10 to 50".
   */
  private static String field(String value, String unit, Namer namer) {
    List<String> plain = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    boolean plural = false;
    for (String e : value.split(",")) {
      String[] stepped = e.split("/");
      String[] range = stepped[0].split("-");
      String span = range.length == 2 ? namer.name(range[0]) + " to " + namer.name(range[1]) : null;
      if (stepped.length == 2) {
        String every =
            stepped[1].equals("1") ? "every " + unit : "every " + stepped[1] + " " + unit + "s";
        steps.add(
            stepped[0].equals("*")
                ? every
                : every + " from " + (span != null ? span : namer.name(range[0]) + " on"));
      } else if (stepped[0].equals("*")) {
        steps.add("every " + unit);
      } else {
        plain.add(span != null ? span : String.valueOf(namer.name(range[0])));
        plural |= span != null;
      }
    }
    List<String> words = new ArrayList<>();
    if (!plain.isEmpty()) {
      String prefix = unit.equals("month") ? "" : unit + (plural || plain.size() > 1 ? "s " : " ");
      words.add(prefix + join(plain));
    }
    words.addAll(steps);
    return join(words);
  }

  private static String monthDays(String value) {
    List<String> words = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    for (String e : value.split(",")) {
      if (e.equals("L")) {
        words.add("on the last day of the month");
      } else if (e.equals("LW")) {
        words.add("on the last weekday of the month");
      } else if (e.startsWith("L-")) {
        words.add("on the day " + e.substring(2) + " days before the last of the month");
      } else if (e.endsWith("W")) {
        words.add("on the weekday nearest day " + e.substring(0, e.length() - 1) + " of the month");
      } else {
        numeric.add(e);
      }
    }
    if (!numeric.isEmpty()) {
      String w = field(String.join(",", numeric), "day", Integer::parseInt);
      words.add(0, (w.startsWith("every") ? "" : "on ") + w + " of the month");
    }
    return join(words);
  }

  private static String weekDays(String expression, String value) {
    List<String> words = new ArrayList<>();
    long bits = 0;
    for (String e : value.split(",")) {
      if (e.endsWith("L") || e.contains("#")) {
        String day =
            e.endsWith("L") ? e.substring(0, e.length() - 1) : e.substring(0, e.indexOf('#'));
        String nth =
            e.endsWith("L") ? "last" : ordinal(Integer.parseInt(e.substring(e.indexOf('#') + 1)));
        words.add("on the " + nth + " " + dayName(expression, day) + " of the month");
      } else {
        bits |= CronField.DAY_OF_WEEK.bits(expression, e);
      }
    }
    if (bits != 0) {
      words.add(0, "on " + days(bits));
    }
    return join(words);
  }

  /** Days of the week Monday first, runs of three or more as "Monday to Friday". */
  private static String days(long bits) {
    List<String> words = new ArrayList<>();
    for (int d = 1; d <= 7; d++) {
      if ((bits & (1L << d)) == 0) {
        continue;
      }
      int end = d;
      while (end < 7 && (bits & (1L << (end + 1))) != 0) {
        end++;
      }
      if (end - d >= 2) {
        words.add(name(d) + " to " + name(end));
        d = end;
      } else {
        words.add(name(d));
      }
    }
    return join(words);
  }

  private static String name(int day) {
    return DayOfWeek.of(day).getDisplayName(TextStyle.FULL, Locale.UK);
  }

  private static String dayName(String expression, String day) {
    int d = CronField.DAY_OF_WEEK.value(expression, day) % 7;
    return name(d == 0 ? 7 : d);
  }

  private static String monthName(String value) {
    int m = CronField.MONTH.value("", value);
    return Month.of(m).getDisplayName(TextStyle.FULL, Locale.UK);
  }

  private static boolean single(String v) {
    return v.chars().allMatch(Character::isDigit);
  }

  private static String ordinal(int n) {
    return n + (n == 1 ? "st" : n == 2 ? "nd" : n == 3 ? "rd" : "th");
  }

  private static String join(List<String> words) {
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1))
        + " and "
        + words.get(words.size() - 1);
  }

  private interface Namer {
    Object name(String value);
  }
}
