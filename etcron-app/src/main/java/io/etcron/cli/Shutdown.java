package io.etcron.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a server's parts in reverse order of start when the JVM is asked to stop (SIGTERM,
 * Ctrl-C), and lets the main thread wait for that. Thread-safe.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);
  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private final CountDownLatch done = new CountDownLatch(1);

  Shutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "etcron-shutdown"));
  }

  synchronized <T extends AutoCloseable> T add(T part) {
    parts.push(part);
    return part;
  }

  synchronized void closeAll() {
    while (!parts.isEmpty()) {
      AutoCloseable part = parts.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
    done.countDown();
  }

  /** Blocks until the JVM is asked to stop. */
  void await() throws InterruptedException {
    done.await();
  }
}
