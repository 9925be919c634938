package io.etcron.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Random cron expressions over the whole dialect, each with the same schedule written for Spring's
 * {@code CronExpression}: backwards ranges, which Spring refuses, are written there as two ranges.
 * Not thread-safe (one {@link Random}).
 */
final class CronGenerator {
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
  private static final int[][] RANGES = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
  private static final double[] STAR = {0.1, 0.3, 0.4, 0.5, 0.7, 0.6};

  private final Random random;
  private String deliberate;

  CronGenerator(Random random) {
    this.random = random;
  }

  CronDifferentialTest.Case next() {
    deliberate = null;
    boolean unix = random.nextInt(5) == 0;
    List<String> ours = new ArrayList<>();
    List<String> spring = new ArrayList<>();
    for (int f = unix ? 1 : 0; f < 6; f++) {
      String[] field = field(f);
      ours.add(field[0]);
      spring.add(field[1]);
    }
    return new CronDifferentialTest.Case(
        String.join(" ", ours), String.join(" ", spring), unix, deliberate);
  }

  private String[] field(int f) {
    if (f == 0 && random.nextInt(2) == 0) {
      return both("0");
    }
    if (random.nextDouble() < STAR[f]) {
      return both((f == 3 || f == 5) && random.nextInt(8) == 0 ? "?" : "*");
    }
    int n = 1 + (random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0);
    List<String> ours = new ArrayList<>();
    List<String> spring = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = element(f);
      ours.add(e[0]);
      spring.add(e[1]);
    }
    return new String[] {String.join(",", ours), String.join(",", spring)};
  }

  private String[] element(int f) {
    int min = RANGES[f][0];
    int max = RANGES[f][1];
    if (f == 3 && random.nextInt(6) == 0) {
      return both(monthDaySpecial());
    }
    if (f == 5 && random.nextInt(6) == 0) {
      return both(weekDaySpecial());
    }
    int kind = random.nextInt(10);
    if (kind < 4) {
      return both(name(f, value(min, max)));
    }
    if (kind < 6) {
      int a = value(min, max - 1);
      int b = a + 1 + random.nextInt(max - a);
      return both(name(f, a) + "-" + name(f, b));
    }
    if (kind < 7) {
      return backwards(f, min, max);
    }
    int step = 1 + random.nextInt(random.nextInt(4) == 0 ? max + 10 : Math.max(2, max / 4));
    int form = random.nextInt(3);
    if (form == 0) {
      return both("*/" + step);
    }
    int a = value(min, max - 1);
    if (form == 1) {
      return both(name(f, a) + "/" + step);
    }
    int b = a + 1 + random.nextInt(max - a);
    return both(name(f, a) + "-" + name(f, b) + "/" + step);
  }

  /** A range whose end comes before its start: etcron wraps it, Spring needs two ranges. */
  private String[] backwards(int f, int min, int max) {
    if (f == 5) {
      int a = 2 + random.nextInt(5);
      int b = random.nextInt(a);
      String spring = a + "-7" + (b >= 1 ? ",1-" + b : "");
      return new String[] {name(f, a) + "-" + name(f, b), spring};
    }
    int a = min + 1 + random.nextInt(max - min);
    int b = min + random.nextInt(a - min);
    return new String[] {name(f, a) + "-" + name(f, b), a + "-" + max + "," + min + "-" + b};
  }

  private String monthDaySpecial() {
    return switch (random.nextInt(4)) {
      case 0 -> "L";
      case 1 -> "L-" + (1 + random.nextInt(27));
      case 2 -> "LW";
      default -> {
        int day = 1 + random.nextInt(31);
        if (day >= 28) {
          deliberate = "W on a month's last day, a Sunday: Friday before (Spring: Monday after)";
        }
        yield day + "W";
      }
    };
  }

  private String weekDaySpecial() {
    String day = name(5, random.nextInt(8));
    if (random.nextInt(2) == 0) {
      return day + "L";
    }
    int nth = 1 + random.nextInt(5);
    if (random.nextInt(30) == 0) {
      nth = 6;
      deliberate = "#6 and above refused (Spring: accepted, never fires)";
    }
    return day + "#" + nth;
  }

  private int value(int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  /** A value, for months and days of the week sometimes as a name in any case. */
  private String name(int f, int v) {
    if ((f != 4 && f != 5) || random.nextInt(3) != 0 || (f == 5 && v == 0)) {
      return Integer.toString(v);
    }
    String name = f == 4 ? MONTHS[v - 1] : DAYS[v];
    return random.nextBoolean() ? name : name.toLowerCase(Locale.ROOT);
  }

  private static String[] both(String s) {
    return new String[] {s, s};
  }
}
