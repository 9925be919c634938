package io.etcron.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Sends a signal to one pid (or, negative, one process group) with {@code kill}. */
final class Signals {
  private Signals() {}

  /**
   * Sends {@code signal} ({@code "STOP"}, {@code "CONT"}, {@code "KILL"}) to {@code pid}.
   *
   * @return whether {@code kill} succeeded (false when the target is gone)
   */
  static boolean send(String signal, long pid) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, "--", Long.toString(pid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
