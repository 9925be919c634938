package io.etcron.master.http;

import io.etcron.job.JobStore;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes refused sign-ins to the audit trail: one entry each time an address is refused (not one
 * per failed try), and at most {@code perWindow} entries a window whatever the number of addresses;
 * the ones past that are counted in the next entry written and logged once. An audit write that
 * fails is logged, never the client's problem. Thread-safe.
 */
final class SignInAudit {
  static final String ACTION = "sign-in-refused";
  static final int DEFAULT_PER_WINDOW = 20;
  private static final Logger log = LoggerFactory.getLogger(SignInAudit.class);

  private final JobStore jobs;
  private final int perWindow;
  private final long windowNanos;
  private final LongSupplier nanos;
  private long windowStart;
  private int written;
  private int unwritten;

  SignInAudit(JobStore jobs, int perWindow, Duration window, LongSupplier nanos) {
    this.jobs = jobs;
    this.perWindow = perWindow;
    this.windowNanos = window.toNanos();
    this.nanos = nanos;
    this.windowStart = nanos.getAsLong();
  }

  static SignInAudit standard(JobStore jobs) {
    return new SignInAudit(
        jobs, DEFAULT_PER_WINDOW, SignInLimiter.DEFAULT_WINDOW, System::nanoTime);
  }

  /** Records that {@code address} is refused after {@code failures} unknown tokens. */
  void refused(String address, int failures, Duration window) {
    int skipped;
    synchronized (this) {
      long now = nanos.getAsLong();
      if (now - windowStart >= windowNanos) {
        windowStart = now;
        written = 0;
      }
      if (written >= perWindow) {
        if (unwritten++ == 0) {
          log.warn(
              "more than {} addresses refused for unknown tokens within {} s: the next ones are"
                  + " counted, not written to the audit trail one by one",
              perWindow,
              windowNanos / 1_000_000_000);
        }
        return;
      }
      written++;
      skipped = unwritten;
      unwritten = 0;
    }
    String detail =
        failures
            + " unknown tokens within "
            + window.toSeconds()
            + " s: its sign-ins are refused (429) until the window ends"
            + (skipped > 0
                ? "; " + skipped + " more addresses were refused meanwhile, not listed"
                : "");
    log.warn("sign-ins from {} refused: {}", address, detail);
    try {
      jobs.record(address, ACTION, detail);
    } catch (RuntimeException e) {
      log.warn(
          "could not write the refused sign-ins of {} to the audit trail: {}",
          address,
          e.toString());
    }
  }
}
