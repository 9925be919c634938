package io.etcron.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The list-then-watch mirror recovers from an etcd restart and from a compaction. */
class PrefixMirrorIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.cluster(3);

  /** Records every change it is told of, to check none is doubled. */
  /** What the mirror told, and the values it leaves its listener with. */
  static final class Recorder implements PrefixMirror.Listener {
    final Map<String, Integer> puts = new ConcurrentHashMap<>();
    final Map<String, Integer> deletes = new ConcurrentHashMap<>();
    final Map<String, String> values = new ConcurrentHashMap<>();

    @Override
    public void onPut(KeyValue kv) {
      puts.merge(Keys.string(kv.getKey()) + "@" + kv.getModRevision(), 1, Integer::sum);
      values.put(Keys.string(kv.getKey()), Keys.string(kv.getValue()));
    }

    @Override
    public void onDelete(String key) {
      deletes.merge(key, 1, Integer::sum);
      values.remove(key);
    }
  }

  private Client client(int... members) {
    String[] urls = new String[members.length];
    for (int i = 0; i < members.length; i++) {
      urls[i] = etcd.member(members[i]).clientUrl();
    }
    return Client.builder().endpoints(urls).build();
  }

  private static Map<String, String> actual(Client c, String prefix) throws Exception {
    Map<String, String> m = new HashMap<>();
    c.getKVClient()
        .get(Keys.bytes(prefix), GetOption.builder().isPrefix(true).build())
        .get(5, TimeUnit.SECONDS)
        .getKvs()
        .forEach(kv -> m.put(Keys.string(kv.getKey()), Keys.string(kv.getValue())));
    return m;
  }

  @Test
  void the_mirror_catches_up_after_a_compaction_it_missed() throws Exception {
    try (Client follower = client(0);
        Client writer = client(1, 2)) {
      Recorder recorder = new Recorder();
      try (PrefixMirror mirror =
          PrefixMirror.start(follower, "/t/", recorder, Duration.ofSeconds(5))) {
        assertThat(mirror.awaitSynced(Duration.ofSeconds(10))).isTrue();
        writer.getKVClient().put(Keys.bytes("/t/a"), Keys.bytes("1")).get();
        writer.getKVClient().put(Keys.bytes("/t/b"), Keys.bytes("1")).get();
        await().atMost(Timing.seconds(10)).until(() -> recorder.values.size() == 2);

        etcd.member(0).pause();
        try {
          // If member 0 led, the others elect a new leader first: retry until they answer.
          await()
              .atMost(Timing.seconds(20))
              .ignoreExceptions()
              .until(
                  () ->
                      writer.getKVClient().delete(Keys.bytes("/t/a")).get(2, TimeUnit.SECONDS)
                          != null);
          writer.getKVClient().put(Keys.bytes("/t/b"), Keys.bytes("2")).get();
          writer.getKVClient().put(Keys.bytes("/t/c"), Keys.bytes("1")).get();
          for (int i = 0; i < 20; i++) {
            writer.getKVClient().put(Keys.bytes("/other/" + i), Keys.bytes("x")).get();
          }
          long revision =
              writer.getKVClient().get(Keys.bytes("/t/c")).get().getHeader().getRevision();
          writer.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
        } finally {
          etcd.member(0).resume();
        }

        await()
            .atMost(Timing.seconds(20))
            .until(() -> recorder.values.equals(actual(writer, "/t/")));
        assertThat(recorder.values)
            .containsExactlyInAnyOrderEntriesOf(Map.of("/t/b", "2", "/t/c", "1"));
        assertThat(recorder.puts.values()).as("no change doubled").allMatch(n -> n == 1);
        assertThat(recorder.deletes).containsEntry("/t/a", 1);
      }
    }
  }

  @Test
  void the_mirror_resumes_after_etcd_restarts() throws Exception {
    try (Client c = client(0, 1, 2)) {
      Recorder recorder = new Recorder();
      try (PrefixMirror mirror = PrefixMirror.start(c, "/r/", recorder, Duration.ofSeconds(5))) {
        assertThat(mirror.awaitSynced(Duration.ofSeconds(10))).isTrue();
        c.getKVClient().put(Keys.bytes("/r/before"), Keys.bytes("1")).get();
        await().atMost(Timing.seconds(10)).until(() -> recorder.values.containsKey("/r/before"));

        for (int i = 0; i < 3; i++) {
          etcd.member(i).kill();
        }
        for (int i = 0; i < 3; i++) {
          etcd.member(i).launchAgain();
        }
        await()
            .atMost(Timing.seconds(30))
            .until(
                () -> {
                  try {
                    c.getKVClient()
                        .put(Keys.bytes("/r/after"), Keys.bytes("1"))
                        .get(2, TimeUnit.SECONDS);
                    return true;
                  } catch (Exception e) {
                    return false;
                  }
                });
        c.getKVClient().delete(Keys.bytes("/r/before")).get(5, TimeUnit.SECONDS);

        await()
            .atMost(Timing.seconds(30))
            .until(() -> recorder.values.equals(Map.of("/r/after", "1")));
        assertThat(recorder.puts.values()).allMatch(n -> n == 1);
        assertThat(recorder.deletes).isEqualTo(Map.of("/r/before", 1));
      }
    }
  }

  @Test
  void a_listener_waiting_for_a_lock_held_by_a_reader_of_the_mirror_does_not_deadlock()
      throws Exception {
    try (Client c = client(0, 1, 2)) {
      ReentrantLock schedulerLock = new ReentrantLock();
      CountDownLatch inListener = new CountDownLatch(1);
      PrefixMirror.Listener waits =
          new PrefixMirror.Listener() {
            @Override
            public void onPut(KeyValue kv) {
              inListener.countDown();
              schedulerLock.lock(); // as the worker's trigger listener takes the scheduler lock
              schedulerLock.unlock();
            }

            @Override
            public void onDelete(String key) {}
          };
      try (PrefixMirror mirror = PrefixMirror.start(c, "/d/", waits, Duration.ofSeconds(5))) {
        assertThat(mirror.awaitSynced(Duration.ofSeconds(10))).isTrue();
        schedulerLock.lock();
        try {
          c.getKVClient().put(Keys.bytes("/d/k"), Keys.bytes("1")).get(5, TimeUnit.SECONDS);
          assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();
          // The listener now waits for our lock; reading the mirror must not wait for it.
          CompletableFuture<Boolean> read =
              CompletableFuture.supplyAsync(
                  () -> mirror.modRevision("/d/k").isPresent() && mirror.size() == 1);
          assertThat(read.get(5, TimeUnit.SECONDS)).isTrue();
          assertThat(mirror.revision()).isPositive();
        } finally {
          schedulerLock.unlock();
        }
      }
    }
  }
}
