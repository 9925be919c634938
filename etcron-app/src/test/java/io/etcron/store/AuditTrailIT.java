package io.etcron.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.job.AuditEntry;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail pages newest first with a cursor, and keeps entries for its retention only. */
class AuditTrailIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  private EtcdJobStore store() {
    return new EtcdJobStore(etcd.client(), Keys.of("/etcron/"), Duration.ofSeconds(5), clock);
  }

  /** Creates {@code n} jobs, one a second: {@code n} audit entries. */
  private void create(EtcdJobStore s, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      s.put(
          io.etcron.job.Job.from(JobSpecs.spec(prefix + i, "@daily", "true"), clock.instant()),
          JobStore.ANY_VERSION,
          "test");
      clock.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void pages_follow_their_cursor_newest_first_and_end() {
    EtcdJobStore s = store();
    create(s, "a", 25);
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      JobStore.AuditPage page = s.audit(Optional.empty(), cursor, 10);
      page.entries().forEach(e -> seen.add(e.job()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor.isPresent());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).startsWith("a24", "a23").endsWith("a1", "a0");

    assertThat(s.audit(Optional.of(JobName.of("a3")), Optional.empty(), 10).entries())
        .extracting(AuditEntry::action)
        .containsExactly("create");
    assertThatThrownBy(() -> s.audit(Optional.empty(), Optional.of("../jobs/x"), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
  }

  @Test
  void entries_older_than_the_retention_are_pruned_in_bounded_chunks() {
    EtcdJobStore s = store();
    create(s, "old", 30);
    Instant cutoff = clock.instant();
    clock.advance(Duration.ofDays(1));
    create(s, "new", 5);
    assertThat(s.pruneAudit(cutoff, 20)).isEqualTo(20);
    assertThat(s.pruneAudit(cutoff, 20)).isEqualTo(10);
    assertThat(s.pruneAudit(cutoff, 20)).isZero();
    assertThat(s.audit(Optional.empty(), Optional.empty(), 100).entries())
        .extracting(AuditEntry::job)
        .containsExactly("new4", "new3", "new2", "new1", "new0");
  }
}
