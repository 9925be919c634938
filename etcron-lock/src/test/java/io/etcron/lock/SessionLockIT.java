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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SessionLockIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  private static final AtomicInteger names = new AtomicInteger();
  private final List<Session> sessions = new ArrayList<>();
  private String name;

  @BeforeEach
  void name() {
    name = "lock-" + names.incrementAndGet();
  }

  @AfterEach
  void closeSessions() {
    sessions.forEach(Session::close);
  }

  private Session session(String owner) {
    Session s = Session.builder(etcd.client()).ttl(Duration.ofSeconds(5)).owner(owner).open();
    sessions.add(s);
    return s;
  }

  private List<String> keysUnder(String prefix) throws Exception {
    ByteSequence p = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    return etcd
        .client()
        .getKVClient()
        .get(p, GetOption.builder().withPrefix(p).build())
        .get(5, TimeUnit.SECONDS)
        .getKvs()
        .stream()
        .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void try_lock_is_one_transaction_and_the_loser_learns_the_holder() throws Exception {
    Session alice = session("alice");
    Session bob = session("bob");

    TryResult first = Lock.on(alice, name).tryAcquire();
    TryResult second = Lock.on(bob, name).tryAcquire();

    assertThat(first.acquired()).isTrue();
    HeldLock held = first.lock().orElseThrow();
    // etcd's shape: the lock is a prefix, its holder the one key under <lock>/holder/
    assertThat(held.key())
        .isEqualTo("/etcron/mutex/" + name + "/holder/" + Long.toHexString(alice.leaseId()));
    assertThat(keysUnder("/etcron/mutex/" + name + "/")).containsExactly(held.key());
    assertThat(second.acquired()).isFalse();
    Holder holder = second.holder().orElseThrow();
    assertThat(holder.owner()).isEqualTo("alice");
    assertThat(holder.fencingToken()).isEqualTo(held.fencingToken());
    assertThat(holder.leaseId()).isEqualTo(alice.leaseId());
    assertThat(holder.since()).isPresent();
  }

  @Test
  void release_frees_the_lock_for_the_next_try() {
    Session alice = session("alice");
    Session bob = session("bob");
    HeldLock held = Lock.on(alice, name).tryAcquire().lock().orElseThrow();

    held.release();

    assertThat(held.isHeld()).isFalse();
    assertThat(Lock.on(bob, name).tryAcquire().acquired()).isTrue();
  }

  @Test
  void release_never_deletes_a_later_holders_key() throws Exception {
    Session alice = session("alice");
    Session bob = session("bob");
    HeldLock stale = Lock.on(alice, name).tryAcquire().lock().orElseThrow();
    // Simulate a stale holder: the key goes (e.g. an operator deleted it) and bob takes it.
    etcd.client()
        .getKVClient()
        .delete(ByteSequence.from(stale.key(), StandardCharsets.UTF_8))
        .get();
    HeldLock current = Lock.on(bob, name).tryAcquire().lock().orElseThrow();

    stale.release();

    assertThat(keysUnder("/etcron/mutex/" + name + "/")).containsExactly(current.key());
    assertThat(Lock.on(session("carol"), name).tryAcquire().holder().orElseThrow().owner())
        .isEqualTo("bob");
  }

  @Test
  void fencing_tokens_strictly_increase_across_successive_holders() {
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Session s = session("holder-" + i);
      try (HeldLock held = Lock.on(s, name).acquire(Duration.ofSeconds(5))) {
        tokens.add(held.fencingToken());
      }
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void many_threads_never_hold_the_lock_together_and_each_gets_it() throws Exception {
    int threads = 8;
    int rounds = 5;
    List<long[]> history = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Session s = session("thread-" + t);
      done.add(
          pool.submit(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  try (HeldLock held = Lock.on(s, name).acquire(Duration.ofSeconds(60))) {
                    long start = System.nanoTime();
                    busy(Duration.ofMillis(5));
                    history.add(new long[] {start, System.nanoTime(), held.fencingToken()});
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(90, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(history).hasSize(threads * rounds);
    List<long[]> byStart = new ArrayList<>(history);
    byStart.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < byStart.size(); i++) {
      assertThat(byStart.get(i)[0])
          .as("hold %d starts after hold %d ended", i, i - 1)
          .isGreaterThan(byStart.get(i - 1)[1]);
      assertThat(byStart.get(i)[2]).as("fencing token grows").isGreaterThan(byStart.get(i - 1)[2]);
    }
  }

  @Test
  void waiting_acquire_is_fifo() throws Exception {
    Session holderSession = session("holder");
    HeldLock holder = Lock.on(holderSession, name).acquire(Duration.ofSeconds(5));
    List<String> order = new CopyOnWriteArrayList<>();
    List<CompletableFuture<HeldLock>> waiters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String who = "waiter-" + i;
      Session s = session(who);
      CompletableFuture<HeldLock> f = Lock.on(s, name).acquireAsync();
      f.thenAccept(
          held -> {
            order.add(who);
            CompletableFuture.runAsync(held::release);
          });
      waiters.add(f);
      int queued = i + 1;
      // The next waiter joins only once this one is in line.
      await()
          .atMost(Timing.seconds(5))
          .until(() -> keysUnder("/etcron/mutex/" + name + "/queue/").size() == queued);
    }

    holder.release();

    CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    await().atMost(Timing.seconds(5)).until(() -> order.size() == 5);
    assertThat(order).containsExactly("waiter-0", "waiter-1", "waiter-2", "waiter-3", "waiter-4");
  }

  @Test
  void a_timed_out_wait_leaves_no_key_and_names_the_holder() throws Exception {
    Session alice = session("alice");
    Session bob = session("bob");
    HeldLock held = Lock.on(alice, name).acquire(Duration.ofSeconds(5));

    long start = System.nanoTime();
    assertThatThrownBy(() -> Lock.on(bob, name).acquire(Duration.ofMillis(500)))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining("alice")
        .satisfies(e -> assertThat(((LockTimeoutException) e).holder()).isPresent());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(keysUnder("/etcron/mutex/" + name + "/")).containsExactly(held.key());
  }

  @Test
  void a_cancelled_wait_leaves_no_key() throws Exception {
    Session alice = session("alice");
    Session bob = session("bob");
    HeldLock held = Lock.on(alice, name).acquire(Duration.ofSeconds(5));
    CompletableFuture<HeldLock> waiting = Lock.on(bob, name).acquireAsync();
    await()
        .atMost(Timing.seconds(5))
        .until(() -> keysUnder("/etcron/mutex/" + name + "/queue/").size() == 1);

    waiting.cancel(true);

    await()
        .atMost(Timing.seconds(5))
        .until(() -> keysUnder("/etcron/mutex/" + name + "/queue/").isEmpty());
    held.release();
    assertThat(keysUnder("/etcron/mutex/" + name + "/")).isEmpty();
    assertThat(Lock.on(session("carol"), name).tryAcquire().acquired()).isTrue();
  }

  @Test
  void a_waiter_takes_over_when_the_holder_session_closes() throws Exception {
    Session alice = session("alice");
    Session bob = session("bob");
    Lock.on(alice, name).acquire(Duration.ofSeconds(5));
    CompletableFuture<HeldLock> waiting = Lock.on(bob, name).acquireAsync();

    alice.close();

    HeldLock held = waiting.get(5, TimeUnit.SECONDS);
    assertThat(held.isHeld()).isTrue();
  }

  @Test
  void a_lock_with_its_own_lease_revokes_it_on_release() throws Exception {
    Session.Builder settings =
        Session.builder(etcd.client()).ttl(Duration.ofSeconds(5)).owner("classic");
    Lock classic = Lock.withOwnLease(settings, name);
    HeldLock held = classic.tryAcquire().lock().orElseThrow();
    long lease = held.leaseId();
    assertThat(classic.tryAcquire().holder().orElseThrow().owner()).isEqualTo("classic");

    held.release();

    var ttl =
        etcd.client()
            .getLeaseClient()
            .timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT)
            .get();
    assertThat(ttl.getTTL()).isEqualTo(-1); // revoked
    assertThat(keysUnder("/etcron/mutex/" + name + "/")).isEmpty();
  }

  @Test
  void invalid_names_are_refused_with_a_reason() {
    Session s = session("alice");
    assertThatThrownBy(() -> Lock.on(s, "")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Lock.on(s, "a/b")).hasMessageContaining("/");
    assertThatThrownBy(() -> Lock.on(s, "..")).hasMessageContaining("..");
    assertThatThrownBy(() -> Lock.on(s, "a..b")).hasMessageContaining("..");
    assertThatThrownBy(() -> Lock.on(s, "bell\u0007")).hasMessageContaining("control");
    assertThatThrownBy(() -> Lock.on(s, "x".repeat(129))).hasMessageContaining("129");
    assertThatThrownBy(() -> Lock.on(s, "-x")).hasMessageContaining("start with");
  }

  @Test
  void ttls_outside_what_etcd_can_honour_are_refused() {
    Client client = etcd.client();
    assertThatThrownBy(() -> Session.builder(client).ttl(Duration.ofSeconds(1)).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcd's minimum");
    assertThatThrownBy(() -> Session.builder(client).ttl(Duration.ofDays(400)).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> Session.builder(client).ttl(Duration.ofMillis(2500)).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole seconds");
  }

  @Test
  void an_unreachable_etcd_is_a_clear_error_within_the_request_timeout() {
    try (Client dead = Client.builder().endpoints("http://127.0.0.1:1").build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> Session.builder(dead).requestTimeout(Duration.ofSeconds(2)).open())
          .isInstanceOf(EtcdUnavailableException.class)
          .hasMessageContaining("etcd did not answer");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  static void busy(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
