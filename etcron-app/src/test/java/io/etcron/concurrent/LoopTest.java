package io.etcron.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.testing.Timing;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The background loop: named, survives and counts failures, pauses after them, stops in a bound.
 */
class LoopTest {

  @Test
  void a_failing_pass_is_counted_and_the_loop_goes_on_on_its_named_thread() {
    AtomicInteger passes = new AtomicInteger();
    AtomicInteger told = new AtomicInteger();
    AtomicReference<String> thread = new AtomicReference<>();
    Loop loop =
        new Loop(
                "etcron-test-loop",
                () -> {
                  thread.set(Thread.currentThread().getName());
                  if (passes.incrementAndGet() <= 3) {
                    throw new IllegalStateException("pass " + passes.get() + " fails");
                  }
                  return passes.get() < 5;
                },
                told::incrementAndGet,
                Backoff.fixed(Duration.ofMillis(1)))
            .start();
    await().atMost(Timing.seconds(5)).until(() -> !loop.isAlive());
    assertThat(passes.get()).isEqualTo(5);
    assertThat(loop.failures()).isEqualTo(3);
    assertThat(told.get()).isEqualTo(3);
    assertThat(thread.get()).isEqualTo("etcron-test-loop");
  }

  @Test
  void a_stop_wakes_the_pass_and_ends_the_loop_within_its_bound() throws Exception {
    CountDownLatch wake = new CountDownLatch(1);
    Loop loop =
        new Loop(
                "etcron-test-waiter",
                () -> !wake.await(1, TimeUnit.MINUTES),
                () -> {},
                Backoff.fixed(Duration.ofMillis(1)))
            .start();
    assertThat(loop.stop(wake::countDown, Timing.seconds(5))).isTrue();
    assertThat(loop.isAlive()).isFalse();
  }

  @Test
  void a_pass_that_ignores_the_wake_is_interrupted_after_the_bound() {
    Loop loop =
        new Loop(
                "etcron-test-sleeper",
                () -> {
                  new CountDownLatch(1).await(); // never counted down: only an interrupt ends it
                  return true;
                },
                () -> {},
                Backoff.fixed(Duration.ofMillis(1)))
            .start();
    assertThat(loop.stop(() -> {}, Duration.ofMillis(100))).isFalse();
    await().atMost(Timing.seconds(5)).until(() -> !loop.isAlive());
  }

  @Test
  void a_stop_cuts_the_pause_after_a_failure_short() {
    Loop loop =
        new Loop(
                "etcron-test-pauser",
                () -> {
                  throw new IllegalStateException("always");
                },
                () -> {},
                Backoff.fixed(Duration.ofMinutes(10)))
            .start();
    await().atMost(Timing.seconds(5)).until(() -> loop.failures() == 1);
    assertThat(loop.stop(() -> {}, Timing.seconds(5))).isTrue();
  }

  @Test
  void a_backoff_doubles_up_to_its_longest_pause() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(b.after(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.after(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.after(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.after(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.after(1_000_000)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.fixed(Duration.ofSeconds(2)).after(7)).isEqualTo(Duration.ofSeconds(2));
  }
}
