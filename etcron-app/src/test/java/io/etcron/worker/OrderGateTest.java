package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import io.etcron.store.Keys;
import io.etcron.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order gate, pure logic on a settable clock: in order, paced, and stale predecessors. */
class OrderGateTest {
  private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
  private static final Duration STALE = Duration.ofSeconds(30);

  private final SettableClock clock = SettableClock.at(T);
  private final Keys keys = Keys.of("/etcron/");
  private final CursorView cursors = new CursorView(keys, clock);
  private final OrderGate gate = new OrderGate(cursors, STALE);
  private final List<Due> later = new ArrayList<>();
  private final Job job = Job.from(JobSpecs.of("j", "@every 10s", "true").build(), Instant.EPOCH);

  /** The fire at {@code T + seconds}, whose previous fire is 10 s before it. */
  private Fire fire(int seconds) {
    Instant t = T.plusSeconds(seconds);
    return Fire.scheduled(job, 1, t, Optional.of(t.minusSeconds(10)));
  }

  private Optional<Fire> admit(Fire f) {
    return gate.admit(
        new Due(clock.instant(), f, Due.Kind.ON_TIME, 0), f, clock.instant(), later::add);
  }

  /** The cursor moves as a claim of the fire at {@code T + seconds} would move it. */
  private void cursorAt(int seconds) {
    cursors.onPut(
        new KeyValue(
            io.etcd.jetcd.api.KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(keys.cursor("j")))
                .setValue(ByteString.copyFromUtf8(Keys.pad(T.plusSeconds(seconds))))
                .setModRevision(1)
                .build(),
            ByteSequence.EMPTY));
  }

  @Test
  void a_fire_whose_predecessor_is_unclaimed_waits_until_the_cursor_reaches_it() {
    cursorAt(-10);
    clock.set(T.plusSeconds(10));
    assertThat(admit(fire(10))).isEmpty();
    assertThat(gate.waitsFor("j")).isTrue();
    assertThat(later).singleElement().matches(Due::staleCheck); // looked at again once stale
    assertThat(gate.released("j", clock.instant())).isEmpty(); // the cursor did not move yet

    cursorAt(0);
    List<Due> released = gate.released("j", clock.instant());
    assertThat(released)
        .singleElement()
        .satisfies(d -> assertThat(d.fire().time()).isEqualTo(T.plusSeconds(10)));
    assertThat(released.get(0).kind()).isEqualTo(Due.Kind.FIRST); // waited: does not chain again
    assertThat(gate.waitsFor("j")).isFalse();
  }

  @Test
  void a_fire_already_claimed_is_not_let_through() {
    cursorAt(10);
    assertThat(admit(fire(10))).isEmpty();
    assertThat(later).isEmpty();
  }

  @Test
  void a_fire_right_after_its_predecessors_claim_is_paced() {
    clock.set(T.plusSeconds(10));
    cursorAt(0); // seen now
    assertThat(admit(fire(10))).isEmpty();
    assertThat(later)
        .singleElement()
        .satisfies(d -> assertThat(d.at()).isEqualTo(clock.instant().plus(OrderGate.MAX_PACE)));
    clock.advance(OrderGate.MAX_PACE);
    assertThat(admit(fire(10))).isPresent();
  }

  @Test
  void a_predecessor_unclaimed_past_the_stale_bound_makes_the_fire_a_catch_up() {
    cursorAt(-10);
    clock.set(T.plusSeconds(10));
    assertThat(admit(fire(10))).isEmpty(); // its predecessor, T, is 10 s old: not stale yet
    clock.set(T.plus(STALE).plusSeconds(1));
    Optional<Fire> admitted = admit(fire(10));
    assertThat(admitted).isPresent();
    assertThat(admitted.get().catchUp()).isTrue();
  }

  @Test
  void unblocking_takes_a_waiting_fire_out_once() {
    cursorAt(-10);
    clock.set(T.plusSeconds(10));
    admit(fire(10));
    assertThat(gate.unblock(fire(10))).isTrue();
    assertThat(gate.unblock(fire(10))).isFalse();
    assertThat(gate.waiting()).isZero();
  }
}
