package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TcpProxy;
import io.etcron.testing.Timing;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A try-lock whose put commits but whose answer arrives after the request timeout (etcd's answers
 * held back by a proxy) leaves no key on the session's lease that no {@link HeldLock} owns.
 */
class PhantomHolderIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(800);
  private static final AtomicInteger names = new AtomicInteger();

  @Test
  void a_try_whose_answer_comes_too_late_adopts_the_key_it_put() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(etcdPort());
        Client client = Client.builder().endpoints(proxy.url()).build();
        Session session = session(client)) {
      Lock lock = Lock.on(session, "phantom-" + names.incrementAndGet());
      CompletableFuture<TryResult> attempt = tryWhileHeld(proxy, lock);
      // Answers come again between the try's timeout and its read-back's.
      await()
          .atMost(Timing.seconds(5))
          .until(() -> proxy.heldChunks() > 0 && elapsedSince(attempt) > 1.2);
      proxy.pass();

      TryResult result = attempt.get(10, TimeUnit.SECONDS);

      KeyValue key = holder(lock).orElseThrow();
      assertThat(result.acquired()).as("the committed put was adopted").isTrue();
      HeldLock held = result.lock().orElseThrow();
      assertThat(held.fencingToken()).isEqualTo(key.getCreateRevision());
      held.release();
      assertThat(holder(lock)).isEmpty();
    }
  }

  @Test
  void a_try_that_never_learns_its_outcome_deletes_the_key_once_etcd_answers_again()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.to(etcdPort());
        Client client = Client.builder().endpoints(proxy.url()).build();
        Session session = session(client)) {
      Lock lock = Lock.on(session, "phantom-" + names.incrementAndGet());
      CompletableFuture<TryResult> attempt = tryWhileHeld(proxy, lock);

      // Both the try and its read-back time out.
      assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(EtcdUnavailableException.class);
      assertThat(holder(lock)).as("the put committed").isPresent();
      proxy.pass();

      await().atMost(Timing.seconds(5)).untilAsserted(() -> assertThat(holder(lock)).isEmpty());
      assertThat(session.isAlive()).isTrue();
      assertThat(lock.tryAcquire().acquired()).isTrue();
    }
  }

  @Test
  void a_release_without_an_answer_moves_later_holds_to_another_name() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(etcdPort());
        Client client = Client.builder().endpoints(proxy.url()).build();
        Session session = session(client)) {
      Lock lock = Lock.on(session, "phantom-" + names.incrementAndGet());
      HeldLock first = lock.tryAcquire().lock().orElseThrow();
      proxy.holdAnswers();
      // The delete reaches etcd; its answer does not come back in time.
      assertThatThrownBy(first::release).isInstanceOf(EtcdUnavailableException.class);
      proxy.pass();
      await().atMost(Timing.seconds(5)).until(() -> holder(lock).isEmpty());

      // A plain delete of the first name might still land: the next hold must not carry it.
      HeldLock second = lock.tryAcquire().lock().orElseThrow();
      assertThat(second.key()).isNotEqualTo(first.key()).startsWith(first.key() + "-");
      second.release();
      assertThat(holder(lock)).isEmpty();
    }
  }

  private static final java.util.Map<CompletableFuture<?>, Long> started =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Holds etcd's answers, starts a try and waits until its put committed in etcd. */
  private static CompletableFuture<TryResult> tryWhileHeld(TcpProxy proxy, Lock lock) {
    proxy.holdAnswers();
    long at = System.nanoTime();
    CompletableFuture<TryResult> attempt = CompletableFuture.supplyAsync(lock::tryAcquire);
    started.put(attempt, at);
    await().atMost(Timing.seconds(5)).until(() -> holder(lock).isPresent());
    return attempt;
  }

  /** Seconds since {@code attempt} started, in request timeouts. */
  private static double elapsedSince(CompletableFuture<?> attempt) {
    return (System.nanoTime() - started.get(attempt)) / (double) REQUEST_TIMEOUT.toNanos();
  }

  private static Session session(Client client) throws Exception {
    // The client's first request connects (and, first in a JVM, loads gRPC): not what the short
    // request timeout below is about, so it is made before the session opens.
    client
        .getKVClient()
        .get(ByteSequence.from("/warm-up", StandardCharsets.UTF_8))
        .get(30, TimeUnit.SECONDS);
    return Session.builder(client)
        .ttl(Duration.ofSeconds(10))
        .requestTimeout(REQUEST_TIMEOUT)
        .open();
  }

  private static int etcdPort() {
    return URI.create(etcd.clientUrls().get(0)).getPort();
  }

  /** The holder key of {@code lock}, if any: the key under {@code <lock>/holder/}. */
  private static Optional<KeyValue> holder(Lock lock) throws Exception {
    String prefix = lock.key() + "/holder/";
    return etcd
        .client()
        .getKVClient()
        .get(
            Etcd.bytes(prefix),
            io.etcd.jetcd.options.GetOption.builder().withPrefix(Etcd.bytes(prefix)).build())
        .get(5, TimeUnit.SECONDS)
        .getKvs()
        .stream()
        .findFirst();
  }
}
