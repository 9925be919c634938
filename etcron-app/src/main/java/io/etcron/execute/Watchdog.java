package io.etcron.execute;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor that every command runs under: a small Perl program (resource {@code
 * watchdog.pl}), the JVM's direct child, that starts the command in a session of its own and kills
 * its process group with SIGKILL when the lease deadline it was last fed passes, or when the JVM
 * dies (its control channel reaches end of file). A worker frozen by SIGSTOP, a long GC pause or
 * {@code kill -9} therefore cannot leave a run alive past its lease: the guarantee does not depend
 * on the JVM being scheduled. It needs {@code perl} (no modules: Debian's essential {@code
 * perl-base} suffices), {@code setsid} and {@code /proc/uptime}, that is Linux. A run with a {@link
 * Confinement} account also loads Perl's core {@code POSIX} module, in the child only.
 */
public final class Watchdog {
  private static final String SCRIPT = load();

  private Watchdog() {}

  /**
   * The watchdog's command line for {@code command}.
   *
   * @param controlFifo where it is fed, else its standard input
   * @param exitNote where it writes the exit code of a command that ended by itself
   * @param confinement the account the command runs as
   */
  static List<String> command(
      Optional<Path> controlFifo,
      Optional<Path> exitNote,
      Optional<Duration> leaseLeft,
      Confinement confinement,
      List<String> command) {
    List<String> full = new ArrayList<>(List.of("perl", "-e", SCRIPT, "--"));
    controlFifo.ifPresent(
        f -> {
          full.add("--control");
          full.add(f.toString());
        });
    exitNote.ifPresent(
        f -> {
          full.add("--exit");
          full.add(f.toString());
        });
    full.addAll(confinement.watchdogOptions());
    // An absolute deadline on the clock the watchdog reads: the JVM may be frozen between this
    // line and the watchdog's start (a relative budget would then start counting too late).
    full.add(leaseLeft.map(d -> "@" + (uptimeMillis() + Math.max(0, d.toMillis()))).orElse("-"));
    full.addAll(command);
    return full;
  }

  /** {@code /proc/uptime} in milliseconds: CLOCK_BOOTTIME, the watchdog's clock. */
  static long uptimeMillis() {
    try {
      String line = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
      return Math.round(Double.parseDouble(line.substring(0, line.indexOf(' '))) * 1000);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/uptime, the watchdog's clock: " + e, e);
    }
  }

  /**
   * Checks once that the watchdog can run here.
   *
   * @throws IllegalStateException naming what to install when it cannot
   */
  public static void check() {
    try {
      Process p =
          new ProcessBuilder("perl", "-e", "exit(-r '/proc/uptime' ? 0 : 1)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "the run watchdog needs perl and /proc (Linux): " + out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "the run watchdog needs perl (Debian package perl-base), which cannot be started here: "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking for perl", e);
    }
  }

  private static String load() {
    try (InputStream in = Watchdog.class.getResourceAsStream("watchdog.pl")) {
      if (in == null) {
        throw new IllegalStateException("watchdog.pl is missing from the etcron jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
