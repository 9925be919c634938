package io.etcron.lock.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ShedLock's documented provider semantics, against a real etcd. */
class EtcdLockProviderIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  private static final AtomicInteger names = new AtomicInteger();
  private EtcdLockProvider provider;
  private EtcdLockProvider otherNode;
  private String name;

  @BeforeEach
  void setUp() {
    provider = EtcdLockProvider.on(etcd.client());
    otherNode = EtcdLockProvider.on(etcd.newClient());
    name = "shedlock-" + names.incrementAndGet();
  }

  private LockConfiguration config(Duration atMost, Duration atLeast) {
    return new LockConfiguration(Instant.now(), name, atMost, atLeast);
  }

  @Test
  void only_one_node_holds_a_lock_and_another_name_is_independent() {
    Optional<SimpleLock> first = provider.lock(config(Duration.ofSeconds(30), Duration.ZERO));
    assertThat(first).isPresent();
    assertThat(otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO))).isEmpty();
    assertThat(provider.lock(config(Duration.ofSeconds(30), Duration.ZERO)))
        .as("not re-entrant either")
        .isEmpty();
    assertThat(
            otherNode.lock(
                new LockConfiguration(
                    Instant.now(), name + "-other", Duration.ofSeconds(30), Duration.ZERO)))
        .isPresent();
    first.get().unlock();
  }

  @Test
  void unlock_frees_the_lock_at_once() throws Exception {
    SimpleLock lock = provider.lock(config(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();
    lock.unlock();
    assertThat(keyExists()).isFalse();
    assertThat(otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO))).isPresent();
  }

  @Test
  void a_lock_never_unlocked_expires_after_lock_at_most_for() throws Exception {
    long start = System.nanoTime();
    assertThat(provider.lock(config(Duration.ofSeconds(2), Duration.ZERO))).isPresent();
    assertThat(otherNode.lock(config(Duration.ofSeconds(2), Duration.ZERO))).isEmpty();

    await()
        .atMost(Timing.seconds(5))
        .until(() -> otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO)).isPresent());

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("held for lockAtMostFor")
        .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  @Test
  void a_crashed_holder_blocks_others_until_lock_at_most_for_and_no_longer() throws Exception {
    // A holder that vanishes without unlocking: its client closes, nothing renews anything.
    Client crashing = Client.builder().endpoints(etcd.endpoints().split(",")).build();
    long start = System.nanoTime();
    assertThat(EtcdLockProvider.on(crashing).lock(config(Duration.ofSeconds(3), Duration.ZERO)))
        .isPresent();
    crashing.close();

    assertThat(otherNode.lock(config(Duration.ofSeconds(3), Duration.ZERO))).isEmpty();
    await()
        .atMost(Timing.seconds(6))
        .until(() -> otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO)).isPresent());
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(2900))
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void unlock_before_lock_at_least_for_keeps_the_key_until_then() throws Exception {
    long start = System.nanoTime();
    SimpleLock lock =
        provider.lock(config(Duration.ofSeconds(30), Duration.ofSeconds(2))).orElseThrow();
    lock.unlock();

    assertThat(keyExists()).as("kept after unlock").isTrue();
    assertThat(otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO))).isEmpty();
    await()
        .atMost(Timing.seconds(5))
        .until(() -> otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO)).isPresent());
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  @Test
  void extend_moves_lock_at_most_for_and_keeps_the_fencing_order() throws Exception {
    SimpleLock lock = provider.lock(config(Duration.ofSeconds(2), Duration.ZERO)).orElseThrow();
    long createRevision = createRevision();

    SimpleLock extended = lock.extend(Duration.ofSeconds(30), Duration.ZERO).orElseThrow();

    assertThat(createRevision()).as("same key, same token").isEqualTo(createRevision);
    assertThatThrownBy(() -> lock.extend(Duration.ofSeconds(30), Duration.ZERO))
        .as("the old handle is spent")
        .isInstanceOf(IllegalStateException.class);
    // Past the first lockAtMostFor the key is still held.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Timing.seconds(4)).until(this::keyExists);
    assertThat(otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO))).isEmpty();
    extended.unlock();
    assertThat(keyExists()).isFalse();
  }

  @Test
  void an_expired_lock_cannot_be_extended() {
    SimpleLock lock = provider.lock(config(Duration.ofSeconds(2), Duration.ZERO)).orElseThrow();
    await().atMost(Timing.seconds(5)).until(() -> !keyExists());
    SimpleLock other = otherNode.lock(config(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();

    assertThat(lock.extend(Duration.ofSeconds(30), Duration.ZERO)).isEmpty();
    assertThat(keyExists()).as("the new holder keeps it").isTrue();
    other.unlock();
  }

  @Test
  void an_unlocked_lock_cannot_be_extended() {
    SimpleLock lock = provider.lock(config(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();
    lock.unlock();
    assertThatThrownBy(() -> lock.extend(Duration.ofSeconds(30), Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void an_invalid_name_is_refused_with_a_clear_message() {
    assertThatThrownBy(
            () ->
                provider.lock(
                    new LockConfiguration(
                        Instant.now(), "a/b", Duration.ofSeconds(30), Duration.ZERO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a/b");
  }

  private boolean keyExists() {
    try {
      return read().getCount() > 0;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long createRevision() throws Exception {
    return read().getKvs().get(0).getCreateRevision();
  }

  private io.etcd.jetcd.kv.GetResponse read() throws Exception {
    // The holder's key: the one key under <lock>/holder/.
    ByteSequence holders =
        ByteSequence.from("/etcron/mutex/" + name + "/holder/", StandardCharsets.UTF_8);
    return etcd.client()
        .getKVClient()
        .get(holders, io.etcd.jetcd.options.GetOption.builder().withPrefix(holders).build())
        .get(5, TimeUnit.SECONDS);
  }
}
