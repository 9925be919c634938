package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every kind of lock promises, run against each kind: a lock on a shared session, a lock with
 * its own lease, and an election's leadership. Each kind says how a contender acquires, where its
 * keys live and how a child process holds it.
 */
abstract class LockContract {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  static final Duration TTL = Duration.ofSeconds(3);
  private static final AtomicInteger names = new AtomicInteger();

  /** One party that takes the lock, again and again; closing it gives up everything it holds. */
  interface Contender extends AutoCloseable {
    /** Blocks until held, or throws a {@link LockException} at the timeout (leaving no key). */
    HeldLock acquire(Duration timeout);

    @Override
    void close();
  }

  /** A contender for the lock named {@code name}. */
  abstract Contender contender(Client client, String name, String owner);

  /** The key prefix under which every key of the lock named {@code name} lives. */
  abstract String keysOf(String name);

  /** The {@link LockProcess} mode in which a child JVM holds the lock. */
  abstract String holdMode();

  private final List<Contender> contenders = new ArrayList<>();
  private String name;

  @BeforeEach
  void name() {
    name = "contract-" + names.incrementAndGet();
  }

  @AfterEach
  void close() {
    contenders.forEach(Contender::close);
  }

  private Contender contender(String owner) {
    Contender c = contender(etcd.newClient(), name, owner);
    contenders.add(c);
    return c;
  }

  @Test
  void contenders_racing_never_hold_together_and_fencing_tokens_grow() throws Exception {
    int parties = 3;
    int rounds = 8;
    List<long[]> history = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(parties);
    try {
      List<Future<?>> loops = new ArrayList<>();
      for (int p = 0; p < parties; p++) {
        Contender c = contender("p" + p);
        loops.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < rounds; i++) {
                    try (HeldLock held = c.acquire(Duration.ofSeconds(30))) {
                      long start = System.nanoTime();
                      SessionLockIT.busy(Duration.ofMillis(5));
                      history.add(new long[] {start, System.nanoTime(), held.fencingToken()});
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> loop : loops) {
        loop.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    List<long[]> holds = new ArrayList<>(history);
    holds.sort((a, b) -> Long.compare(a[0], b[0]));
    assertThat(holds).hasSize(parties * rounds);
    for (int i = 1; i < holds.size(); i++) {
      assertThat(holds.get(i)[0])
          .as("hold %d starts after %d ends", i, i - 1)
          .isGreaterThan(holds.get(i - 1)[1]);
      assertThat(holds.get(i)[2])
          .as("fencing token of hold %d", i)
          .isGreaterThan(holds.get(i - 1)[2]);
    }
    assertThat(keys()).isEmpty();
  }

  @Test
  void a_holder_killed_with_sigkill_frees_the_lock_within_ttl_plus_one_second() throws Exception {
    try (ChildJvm holder =
        ChildJvm.start(
            LockProcess.class, etcd.endpoints(), name, "" + TTL.toSeconds(), holdMode())) {
      long token =
          Long.parseLong(holder.awaitLine("ACQUIRED", Duration.ofSeconds(30)).split(" ")[1]);
      Contender rival = contender("rival");
      CompletableFuture<HeldLock> waiting =
          CompletableFuture.supplyAsync(() -> rival.acquire(Duration.ofSeconds(30)));
      await().atMost(Timing.seconds(10)).until(() -> keys().size() == 2);

      long killedAt = System.nanoTime();
      holder.kill9();
      HeldLock held = waiting.get(10, TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(TTL.plusSeconds(1));
      assertThat(held.fencingToken()).isGreaterThan(token);
      assertThat(held.isHeld()).isTrue();
    }
  }

  @Test
  void a_holder_whose_etcd_freezes_hears_of_the_loss_before_its_ttl() throws Exception {
    HeldLock held = contender("frozen").acquire(Duration.ofSeconds(5));
    long frozenAt = System.nanoTime();
    etcd.member(0).pause();
    try {
      SessionEnd end = held.lost().get(TTL.toSeconds() + 2, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(TTL);
      assertThat(end.isLoss()).isTrue();
      assertThat(held.isHeld()).isFalse();
    } finally {
      etcd.member(0).resume();
    }
    HeldLock next = contender("next").acquire(Duration.ofSeconds(15));
    assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
  }

  @Test
  void waiters_acquire_in_the_order_they_came() throws Exception {
    HeldLock first = contender("first").acquire(Duration.ofSeconds(5));
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<HeldLock>> waits = new ArrayList<>();
    for (String owner : List.of("second", "third", "fourth")) {
      Contender c = contender(owner);
      int before = keys().size();
      waits.add(
          CompletableFuture.supplyAsync(
              () -> {
                HeldLock h = c.acquire(Duration.ofSeconds(30));
                order.add(owner);
                return h;
              }));
      await().atMost(Timing.seconds(10)).until(() -> keys().size() == before + 1);
    }
    first.release();
    for (CompletableFuture<HeldLock> wait : waits) {
      wait.get(10, TimeUnit.SECONDS).release();
    }
    assertThat(order).containsExactly("second", "third", "fourth");
  }

  @Test
  void a_wait_that_times_out_leaves_no_key() {
    HeldLock held = contender("holder").acquire(Duration.ofSeconds(5));
    Contender late = contender("late");

    assertThatThrownBy(() -> late.acquire(Duration.ofMillis(300)))
        .isInstanceOf(LockException.class)
        .hasMessageContaining("within");

    await().atMost(Timing.seconds(5)).until(() -> keys().size() == 1);
    assertThat(held.isHeld()).isTrue();
  }

  @Test
  void a_wait_interrupted_leaves_no_key() throws Exception {
    HeldLock held = contender("holder").acquire(Duration.ofSeconds(5));
    Contender cancelled = contender("cancelled");
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                cancelled.acquire(Duration.ofSeconds(30));
                failure.complete(null);
              } catch (RuntimeException e) {
                failure.complete(e);
              }
            });
    waiter.start();
    await().atMost(Timing.seconds(10)).until(() -> keys().size() == 2);

    waiter.interrupt();

    assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(LockException.class);
    await().atMost(Timing.seconds(5)).until(() -> keys().size() == 1);
    held.release();
    assertThat(keys()).isEmpty();
  }

  /** The keys of this test's lock now: the holder's, the waiters', the candidates'. */
  List<String> keys() throws Exception {
    String prefix = keysOf(name);
    ByteSequence p = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    return etcd
        .client()
        .getKVClient()
        .get(p, GetOption.builder().withPrefix(p).build())
        .get(5, TimeUnit.SECONDS)
        .getKvs()
        .stream()
        .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
        .filter(k -> k.equals(prefix) || k.startsWith(prefix.endsWith("/") ? prefix : prefix + "/"))
        .toList();
  }

  /** A contender with a session of its own, closed with it. */
  abstract static class OnSession implements Contender {
    final Session session;

    OnSession(Client client, String owner) {
      this.session = Session.builder(client).ttl(TTL).owner(owner).open();
    }

    @Override
    public void close() {
      session.close();
    }
  }
}
