package io.etcron.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs a cycle in N concurrent loops for a fixed time, after a warm-up, and measures cycles per
 * second and cycle latency percentiles. Not thread-safe; one measurement at a time.
 */
final class Throughput {
  /** One operation measured as a whole; loop {@code i} gets its own instance. */
  interface Cycle {
    void run() throws Exception;
  }

  /**
   * The outcome of one measurement.
   *
   * @param cycles cycles completed in the measured window
   * @param seconds length of the window
   * @param p50Millis median cycle latency
   * @param p99Millis 99th percentile cycle latency
   */
  record Result(long cycles, double seconds, double p50Millis, double p99Millis) {
    double perSecond() {
      return cycles / seconds;
    }
  }

  private Throughput() {}

  static Result measure(int loops, Duration warmUp, Duration window, IntFunction<Cycle> cycles)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(loops, r -> new Thread(r, "bench-loop"));
    try {
      long start = System.nanoTime();
      long measureFrom = start + warmUp.toNanos();
      long end = measureFrom + window.toNanos();
      List<Future<long[]>> futures = new ArrayList<>();
      for (int i = 0; i < loops; i++) {
        Cycle cycle = cycles.apply(i);
        futures.add(pool.submit(() -> loop(cycle, measureFrom, end)));
      }
      List<long[]> all = new ArrayList<>();
      for (Future<long[]> f : futures) {
        all.add(f.get());
      }
      long[] latencies = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Result(
          latencies.length,
          window.toNanos() / 1e9,
          percentile(latencies, 0.50) / 1e6,
          percentile(latencies, 0.99) / 1e6);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs cycles until {@code end}; returns the latencies of those that started after {@code from}.
   */
  private static long[] loop(Cycle cycle, long from, long end) throws Exception {
    long[] latencies = new long[1024];
    int n = 0;
    while (true) {
      long t0 = System.nanoTime();
      if (t0 - end >= 0) {
        break;
      }
      cycle.run();
      long t1 = System.nanoTime();
      if (t0 - from >= 0 && t1 - end <= 0) {
        if (n == latencies.length) {
          latencies = Arrays.copyOf(latencies, n * 2);
        }
        latencies[n++] = t1 - t0;
      }
    }
    return Arrays.copyOf(latencies, n);
  }

  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }
}
