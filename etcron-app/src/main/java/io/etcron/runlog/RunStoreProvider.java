package io.etcron.runlog;

import io.etcron.run.RunStore;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Run stores from outside the product, found with {@link ServiceLoader} (a {@code
 * META-INF/services/io.etcron.runlog.RunStoreProvider} file in a jar on the class path): a provider
 * claims the {@code --db} URLs of its own scheme, and may wrap every store a server opens. The
 * product's jar has none; {@link RunStores#openAny} asks them. Implementations have a public
 * no-argument constructor and are thread-safe.
 */
public interface RunStoreProvider {
  /**
   * Opens the store for {@code url} when this provider claims it; empty for every other URL.
   *
   * @throws io.etcron.run.RunStoreException when the URL is claimed but the store cannot be opened
   */
  Optional<RunStore> open(String url);

  /** {@code store} as a server should use it: by default {@code store} itself. */
  default RunStore wrap(RunStore store) {
    return store;
  }
}
