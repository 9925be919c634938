package io.etcron.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.chaos.FaultInjector.Injected;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short chaos run (about 2.5 minutes): the product's jar as 2 masters and 3 workers over a
 * 3-member etcd and PostgreSQL, one fault of every kind, and no broken guarantee. Its files stay in
 * {@code target/chaos-it/}. Run alone with {@code -Dit.test=ChaosIT}.
 */
class ChaosIT {
  static final Duration DURATION = Duration.ofSeconds(Long.getLong("chaos.durationSeconds", 160));
  static final long SEED = Long.getLong("chaos.seed", 1);

  @Test
  @Timeout(value = 300)
  void every_guarantee_holds_under_one_fault_of_each_kind() throws Exception {
    Path jar = Path.of("..", "etcron-app", "target", "etcron.jar").toAbsolutePath().normalize();
    Path dir = Path.of("target", "chaos-it", "" + Instant.now().getEpochSecond()).toAbsolutePath();
    Files.createDirectories(dir);
    ChaosSettings settings = new ChaosSettings(DURATION, SEED, dir, jar, Duration.ofSeconds(5));

    ChaosRun.Result result = new ChaosRun(settings).run();

    System.out.println(result.summary());
    EnumSet<Fault.Kind> kinds = EnumSet.noneOf(Fault.Kind.class);
    for (Injected i : result.faults()) {
      kinds.add(i.fault().kind());
    }
    assertThat(kinds).as("faults injected").containsExactlyInAnyOrder(Fault.Kind.values());
    assertThat(result.report().executions()).as("executions logged").isGreaterThan(500);
    assertThat(result.unexpectedExits()).as("etcron processes that exited on their own").isEmpty();
    assertThat(result.report().violations())
        .as("violations, see %s/report.json: %s", dir, result.summary())
        .isZero();
  }
}
