package io.etcron.bench;

import io.etcron.run.RunStore;
import io.etcron.runlog.RunStoreProvider;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The benchmarks' {@link RunStoreProvider}, found by the product in the benchmarks' jar: {@code
 * --db jsonl:PATH} opens a {@link JsonLinesRunStore} alone, and with the system property {@value
 * JsonLinesRunStore#EXECUTIONS_PROPERTY} set every other store also appends each record to the file
 * it names (a database keeps one row per run, so the benchmark counts executions there). Stateless
 * and thread-safe.
 */
public final class JsonLinesProvider implements RunStoreProvider {
  /** The URL scheme this provider claims. */
  public static final String SCHEME = "jsonl:";

  @Override
  public Optional<RunStore> open(String url) {
    if (!url.startsWith(SCHEME)) {
      return Optional.empty();
    }
    return Optional.of(new JsonLinesRunStore(Path.of(url.substring(SCHEME.length()))));
  }

  @Override
  public RunStore wrap(RunStore store) {
    String executions = System.getProperty(JsonLinesRunStore.EXECUTIONS_PROPERTY);
    if (executions == null || store instanceof JsonLinesRunStore) {
      return store;
    }
    return JsonLinesRunStore.recording(Path.of(executions), store);
  }
}
