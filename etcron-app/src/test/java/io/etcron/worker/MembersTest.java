package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcron.json.Json;
import io.etcron.store.Keys;
import io.etcron.store.WorkerInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing over the live workers: pure logic over a mirrored membership. */
class MembersTest {
  private static final Keys KEYS = Keys.of("/etcron/");
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  private static WorkerInfo worker(String id, Set<String> tags, boolean draining) {
    return new WorkerInfo(id, "h", 1, "v", tags, 4, T0, List.of(), "1", draining);
  }

  private static KeyValue kv(WorkerInfo w) {
    return new KeyValue(
        io.etcd.jetcd.api.KeyValue.newBuilder()
            .setKey(ByteString.copyFromUtf8(KEYS.worker(w.id())))
            .setValue(ByteString.copyFromUtf8(Json.write(w)))
            .build(),
        ByteSequence.EMPTY);
  }

  /** The membership as {@code self} sees it, with {@code others} registered. */
  private static Members view(WorkerInfo self, WorkerInfo... others) {
    Members m = new Members(KEYS, self);
    m.onPut(kv(self));
    for (WorkerInfo o : others) {
      m.onPut(kv(o));
    }
    return m;
  }

  @Test
  void every_worker_names_the_same_preferred_worker_for_each_fire() {
    WorkerInfo a = worker("a", Set.of(), false);
    WorkerInfo b = worker("b", Set.of(), false);
    WorkerInfo c = worker("c", Set.of(), false);
    List<Members> views = List.of(view(a, b, c), view(b, a, c), view(c, a, b));
    for (int s = 0; s < 200; s++) {
      Instant t = T0.plusSeconds(s);
      var first = views.get(0).preferred("job", Set.of(), t);
      assertThat(views)
          .allSatisfy(v -> assertThat(v.preferred("job", Set.of(), t)).isEqualTo(first));
      assertThat(views.stream().filter(v -> v.isPreferred("job", Set.of(), t)).count())
          .isEqualTo(1);
    }
  }

  @Test
  void fires_spread_over_the_workers_and_a_departure_moves_only_its_own_share() {
    WorkerInfo a = worker("a", Set.of(), false);
    WorkerInfo b = worker("b", Set.of(), false);
    WorkerInfo c = worker("c", Set.of(), false);
    Members three = view(a, b, c);
    Members two = view(a, b);
    Map<String, Integer> share = new HashMap<>();
    for (int s = 0; s < 3000; s++) {
      Instant t = T0.plusSeconds(s);
      String before = three.preferred("job", Set.of(), t).orElseThrow();
      share.merge(before, 1, Integer::sum);
      if (!before.equals("c")) {
        assertThat(two.preferred("job", Set.of(), t)).contains(before);
      }
    }
    assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
  }

  @Test
  void workers_without_the_tags_or_draining_are_never_preferred() {
    WorkerInfo self = worker("self", Set.of(), false);
    WorkerInfo gpu = worker("gpu", Set.of("gpu"), false);
    WorkerInfo leaving = worker("leaving", Set.of("gpu"), true);
    Members m = view(self, gpu, leaving);
    for (int s = 0; s < 200; s++) {
      Instant t = T0.plusSeconds(s);
      assertThat(m.preferred("job", Set.of("gpu"), t)).contains("gpu");
      assertThat(m.preferred("job", Set.of(), t)).isNotEqualTo(Optional.of("leaving"));
    }
    assertThat(m.eligible(Set.of("gpu"))).isFalse();
  }
}
