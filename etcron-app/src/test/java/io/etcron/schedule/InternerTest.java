package io.etcron.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InternerTest {
  @Test
  void a_key_asked_again_gets_the_instance_made_the_first_time() {
    Interner<StringBuilder> interner = new Interner<>(10);
    AtomicInteger made = new AtomicInteger();
    StringBuilder first =
        interner.get(
            "a",
            k -> {
              made.incrementAndGet();
              return new StringBuilder(k);
            });
    assertThat(interner.get("a", k -> new StringBuilder("other"))).isSameAs(first);
    assertThat(made).hasValue(1);
  }

  @Test
  void past_its_bound_it_makes_values_without_keeping_them() {
    Interner<StringBuilder> interner = new Interner<>(2);
    interner.get("a", StringBuilder::new);
    interner.get("b", StringBuilder::new);
    StringBuilder c = interner.get("c", StringBuilder::new);
    assertThat(interner.get("c", StringBuilder::new)).isNotSameAs(c).hasToString("c");
  }

  @Test
  void a_value_that_cannot_be_made_is_not_kept() {
    Interner<String> interner = new Interner<>(2);
    assertThatThrownBy(
            () ->
                interner.get(
                    "bad",
                    k -> {
                      throw new IllegalArgumentException(k);
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(interner.get("bad", k -> "fine")).isEqualTo("fine");
  }

  @Test
  void jobs_with_the_same_schedule_share_one() {
    assertThat(Schedule.parse("0 15 3 * * MON-FRI")).isSameAs(Schedule.parse("0 15 3 * * MON-FRI"));
    assertThat(Schedule.parse("0 15 3 * * MON-FRI").describe())
        .isEqualTo(Schedule.parse("0 15 3 * * MON-FRI").describe());
  }
}
