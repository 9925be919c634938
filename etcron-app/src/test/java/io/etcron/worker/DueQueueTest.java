package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The timer queue: by time, first in first out within a millisecond, never early. */
class DueQueueTest {
  private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

  private final DueQueue queue = new DueQueue();

  private static Due due(String job, Instant at) {
    Job j = Job.from(JobSpecs.of(job, "@every 1s", "true").build(), Instant.EPOCH);
    return new Due(at, Fire.scheduled(j, 1, at, Optional.empty()), Due.Kind.ON_TIME, 0);
  }

  private List<String> drain(Instant now) {
    List<String> served = new ArrayList<>();
    for (Due d = queue.pollDue(now); d != null; d = queue.pollDue(now)) {
      served.add(d.fire().jobName());
    }
    return served;
  }

  @Test
  void serves_by_time_and_in_insertion_order_within_an_instant() {
    queue.add(due("c", T.plusSeconds(2)));
    queue.add(due("b", T));
    queue.add(due("a", T.plusSeconds(1)));
    queue.add(due("z", T));
    assertThat(queue.size()).isEqualTo(4);
    assertThat(queue.headAt()).isEqualTo(T);
    assertThat(drain(T.plusSeconds(1))).containsExactly("b", "z", "a");
    assertThat(queue.headAt()).isEqualTo(T.plusSeconds(2));
    assertThat(queue.size()).isEqualTo(1);
  }

  @Test
  void nothing_is_served_before_its_exact_time_even_within_its_millisecond() {
    Instant at = T.plusNanos(700_000); // 0.7 ms into the millisecond
    queue.add(due("a", at));
    assertThat(drain(T.plusNanos(300_000))).isEmpty();
    assertThat(queue.headAt()).isEqualTo(at);
    assertThat(drain(at)).containsExactly("a");
    assertThat(queue.headAt()).isNull();
    assertThat(queue.size()).isZero();
  }
}
