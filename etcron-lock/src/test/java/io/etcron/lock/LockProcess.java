package io.etcron.lock;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A separate JVM that uses the lock library, for tests that kill or race whole processes.
 *
 * <p>Usage: {@code LockProcess ENDPOINTS NAME TTL_SECONDS hold
 * [MARGIN_SECONDS]|hold-own|campaign|race ROUNDS FILE}. A holder prints {@code ACQUIRED <token>},
 * and {@code LOST <nanoTime>} when it hears of a loss.
 */
public final class LockProcess {
  private LockProcess() {}

  public static void main(String[] args) throws Exception {
    String endpoints = args[0];
    String name = args[1];
    Duration ttl = Duration.ofSeconds(Long.parseLong(args[2]));
    String mode = args[3];
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Session.Builder settings =
        Session.builder(Client.builder().endpoints(endpoints.split(",")).build())
            .ttl(ttl)
            .owner("pid-" + ProcessHandle.current().pid());
    if (mode.equals("hold") && args.length > 4) {
      settings.safetyMargin(Duration.ofSeconds(Long.parseLong(args[4])));
    }
    // A session lost before its lock or leadership is held (its keep-alives starved while this JVM
    // starts on a loaded machine) is not what the tests kill or race: open another, a few times.
    for (int attempt = 1; ; attempt++) {
      try {
        run(settings, name, ttl, mode, args, out);
        return;
      } catch (SessionLostException e) {
        if (attempt == 5 || mode.equals("race")) {
          throw e;
        }
        out.println("RETRY " + e.getMessage());
      }
    }
  }

  private static void run(
      Session.Builder settings,
      String name,
      Duration ttl,
      String mode,
      String[] args,
      PrintStream out)
      throws Exception {
    try (Session session = settings.open()) {
      switch (mode) {
        case "hold" -> {
          HeldLock held = Lock.on(session, name).acquire(Duration.ofSeconds(60));
          held.lost().thenRun(() -> out.println("LOST " + System.nanoTime()));
          out.println("ACQUIRED " + held.fencingToken());
          untilKilled();
        }
        case "hold-own" -> {
          HeldLock held =
              Lock.withOwnLease(Session.builder(session.client()).ttl(ttl), name)
                  .acquire(Duration.ofSeconds(60));
          out.println("ACQUIRED " + held.fencingToken());
          untilKilled();
        }
        case "campaign" -> {
          HeldLock leadership =
              Election.on(session, name)
                  .campaign("pid-" + ProcessHandle.current().pid(), Duration.ofSeconds(60));
          out.println("LEADER " + leadership.fencingToken());
          out.println("ACQUIRED " + leadership.fencingToken());
          untilKilled();
        }
        case "race" -> race(Lock.on(session, name), Integer.parseInt(args[4]), Path.of(args[5]));
        default -> throw new IllegalArgumentException(mode);
      }
    }
  }

  /** Blocks for good: the child holds what it took until the test kills it. */
  private static void untilKilled() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  /** Acquires ROUNDS times, recording each hold as "start end token" in monotonic nanos. */
  private static void race(Lock lock, int rounds, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      try (HeldLock held = lock.acquire(Duration.ofSeconds(60))) {
        long start = System.nanoTime();
        SessionLockIT.busy(Duration.ofMillis(10));
        lines.add(start + " " + System.nanoTime() + " " + held.fencingToken());
      }
    }
    Files.write(file, lines, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
