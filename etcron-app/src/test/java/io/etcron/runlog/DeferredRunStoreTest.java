package io.etcron.runlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.run.RunQuery;
import io.etcron.run.RunStore;
import io.etcron.run.RunStoreException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeferredRunStoreTest {
  @TempDir Path dir;

  @Test
  void a_url_of_no_known_database_fails_the_first_attempt_with_its_own_message() {
    try (DeferredRunStore store =
        DeferredRunStore.openInBackground(() -> RunStores.openAny("jdbc:mysql://127.0.0.1/x"))) {
      assertThatThrownBy(store::awaitFirstAttempt)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("neither a jdbc:h2: nor a jdbc:postgresql: URL");
    }
  }

  @Test
  void a_database_down_at_first_is_opened_by_a_later_call() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    try (DeferredRunStore store =
        DeferredRunStore.openInBackground(
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new RunStoreException("run store down", null);
              }
              return RunStores.open(RunStores.h2Url(dir));
            })) {
      store.awaitFirstAttempt(); // a database that is down is no reason to stop
      assertThat(store.query(RunQuery.all()).runs()).isEmpty();
      assertThat(attempts).hasValue(2);
    }
  }

  @Test
  void calls_wait_for_the_background_open_instead_of_opening_a_second_store() {
    AtomicInteger attempts = new AtomicInteger();
    try (RunStore store =
        DeferredRunStore.openInBackground(
            () -> {
              attempts.incrementAndGet();
              return RunStores.open(RunStores.h2Url(dir));
            })) {
      assertThat(store.query(RunQuery.all()).runs()).isEmpty();
      assertThat(store.running()).isEmpty();
      assertThat(attempts).hasValue(1);
    }
  }
}
