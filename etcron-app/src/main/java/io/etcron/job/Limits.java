package io.etcron.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resource limits of a job's command, applied as rlimits before it starts: CPU seconds (RLIMIT_CPU:
 * SIGXCPU when used up), open files (RLIMIT_NOFILE) and address space in bytes (RLIMIT_AS).
 * Immutable.
 *
 * @param cpuSeconds CPU time
 * @param openFiles open file descriptors
 * @param memoryBytes virtual memory
 */
public record Limits(
    Optional<Long> cpuSeconds, Optional<Long> openFiles, Optional<Long> memoryBytes) {
  /** No limits beyond the worker's own. */
  public static final Limits NONE =
      new Limits(Optional.empty(), Optional.empty(), Optional.empty());

  static final long MAX_CPU_SECONDS = 366L * 24 * 3600;
  static final long MAX_OPEN_FILES =
      1 << 30; // fs.nr_open can be raised to about this (the default is 2^20)
  static final long MIN_MEMORY = 1L << 20;
  static final long MAX_MEMORY = 1L << 50;

  private static final Pattern SIZE =
      Pattern.compile("([0-9]{1,16})\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB|T|TB|TIB)?");
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  public boolean isNone() {
    return cpuSeconds.isEmpty() && openFiles.isEmpty() && memoryBytes.isEmpty();
  }

  /**
   * A size such as {@code 512MiB}, {@code 2G} or {@code 1048576} in bytes; K, M, G and T count in
   * powers of 1024 (as {@code ulimit} and systemd do) with or without {@code B}/{@code iB}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a size such as 512MiB, 2GiB or a number of bytes");
    }
    String unit = m.group(2) == null ? "B" : m.group(2);
    int shift = 10 * "BKMGT".indexOf(unit.charAt(0));
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("\"" + text + "\" is too large");
    }
    return n << shift;
  }

  /** {@code bytes} in the largest unit that writes it exactly, e.g. {@code 512MiB}. */
  public static String formatSize(long bytes) {
    int unit = 0;
    while (unit < UNITS.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      unit++;
    }
    return bytes + UNITS[unit];
  }

  /** The limits as written in a job, {@code cpuSeconds=60, openFiles=256}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    cpuSeconds.ifPresent(c -> parts.add("cpuSeconds=" + c));
    openFiles.ifPresent(f -> parts.add("openFiles=" + f));
    memoryBytes.ifPresent(b -> parts.add("memory=" + formatSize(b)));
    return String.join(", ", parts);
  }
}
