package io.etcron.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.run.InMemoryRunStore;
import io.etcron.run.RunStore;
import io.etcron.runlog.RunStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product finds the benchmarks' run store through its provider seam, and nothing else. */
class JsonLinesProviderTest {
  @TempDir Path dir;

  @AfterEach
  void clearProperty() {
    System.clearProperty(JsonLinesRunStore.EXECUTIONS_PROPERTY);
  }

  @Test
  void the_product_opens_a_jsonl_url_through_the_provider_on_the_class_path() {
    Path file = dir.resolve("w0.jsonl");
    try (RunStore store = RunStores.openAny(JsonLinesProvider.SCHEME + file)) {
      assertThat(store).isInstanceOf(JsonLinesRunStore.class);
      store.upsertAll(List.of());
    }
    assertThat(Files.exists(file)).isTrue();
  }

  @Test
  void other_urls_are_not_claimed() {
    assertThat(new JsonLinesProvider().open("jdbc:h2:mem:x")).isEmpty();
    assertThatThrownBy(() -> RunStores.openAny("nosql:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a jdbc:h2: nor a jdbc:postgresql: URL");
  }

  @Test
  void a_store_is_wrapped_only_when_executions_are_asked_for() {
    RunStore real = new InMemoryRunStore();
    JsonLinesProvider provider = new JsonLinesProvider();
    assertThat(provider.wrap(real)).isSameAs(real);

    System.setProperty(
        JsonLinesRunStore.EXECUTIONS_PROPERTY, dir.resolve("executions.jsonl").toString());
    RunStore recording = provider.wrap(real);
    assertThat(recording).isInstanceOf(JsonLinesRunStore.class);
    assertThat(provider.wrap(recording)).isSameAs(recording);
    recording.close();
  }
}
