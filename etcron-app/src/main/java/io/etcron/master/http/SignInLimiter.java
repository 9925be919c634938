package io.etcron.master.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Counts failed sign-ins (an unknown token) per client address: after {@code maxFailures} within
 * one window the address is refused until the window ends, whatever token it sends, so guessing is
 * bounded to {@code maxFailures} tries a window. Other addresses are not affected. The table holds
 * at most {@code maxAddresses} entries: when full, ended windows go first, then the oldest one.
 * IPv6 addresses count by their /64, which one host usually has whole. Thread-safe; time from a
 * monotonic source.
 */
final class SignInLimiter {
  static final int DEFAULT_MAX_FAILURES = 10;
  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  static final int DEFAULT_MAX_ADDRESSES = 10_000;

  private static final class Window {
    final long start;
    int failures;

    Window(long start) {
      this.start = start;
    }
  }

  private final int maxFailures;
  private final long windowNanos;
  private final int maxAddresses;
  private final LongSupplier nanos;
  // Insertion order is window-start order: a new window is a new entry at the end.
  private final Map<String, Window> byAddress = new LinkedHashMap<>();

  SignInLimiter(int maxFailures, Duration window, int maxAddresses, LongSupplier nanos) {
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.maxAddresses = maxAddresses;
    this.nanos = nanos;
  }

  static SignInLimiter standard() {
    return new SignInLimiter(
        DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_MAX_ADDRESSES, System::nanoTime);
  }

  int maxFailures() {
    return maxFailures;
  }

  Duration window() {
    return Duration.ofNanos(windowNanos);
  }

  /** How long {@code address} is still refused, if it is. */
  synchronized Optional<Duration> refusedFor(String address) {
    Window w = byAddress.get(key(address));
    long now = nanos.getAsLong();
    if (w == null || w.failures < maxFailures || ended(w, now)) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(w.start + windowNanos - now));
  }

  /**
   * Counts a failed sign-in from {@code address}.
   *
   * @return whether this failure is the one that gets the address refused (once per window)
   */
  synchronized boolean failed(String address) {
    String key = key(address);
    long now = nanos.getAsLong();
    Window w = byAddress.get(key);
    if (w == null || ended(w, now)) {
      byAddress.remove(key);
      makeRoom(now);
      w = new Window(now);
      byAddress.put(key, w);
    }
    w.failures++;
    return w.failures == maxFailures;
  }

  synchronized int size() {
    return byAddress.size();
  }

  private void makeRoom(long now) {
    Iterator<Window> oldest = byAddress.values().iterator();
    while (byAddress.size() >= maxAddresses && oldest.hasNext()) {
      Window w = oldest.next();
      // Windows end in insertion order: the first one not ended ends the sweep of ended ones,
      // and when the table is still full it is the one to go.
      oldest.remove();
      if (!ended(w, now)) {
        break;
      }
    }
  }

  private boolean ended(Window w, long now) {
    return now - w.start >= windowNanos;
  }

  /** The address itself, or for IPv6 its /64. Never asks DNS: the address is a literal. */
  static String key(String address) {
    if (address == null || !address.contains(":")) {
      return String.valueOf(address);
    }
    try {
      InetAddress a = InetAddress.getByName(address.replaceAll("^\\[|]$|%.*$", ""));
      if (a instanceof Inet6Address) {
        byte[] b = a.getAddress();
        Arrays.fill(b, 8, 16, (byte) 0);
        return InetAddress.getByAddress(b).getHostAddress() + "/64";
      }
      return a.getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }
}
