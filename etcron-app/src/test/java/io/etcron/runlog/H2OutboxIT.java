package io.etcron.runlog;

import io.etcron.run.RunStore;
import java.nio.file.Files;

class H2OutboxIT extends OutboxContract {
  @Override
  protected RunStore newStore() {
    try {
      return RunStores.open(RunStores.h2Url(Files.createTempDirectory("etcron-h2")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
