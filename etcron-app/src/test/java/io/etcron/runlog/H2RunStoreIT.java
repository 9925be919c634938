package io.etcron.runlog;

import io.etcron.run.RunStore;
import io.etcron.run.RunStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;

class H2RunStoreIT extends RunStoreContract {
  @Override
  protected RunStore newStore() {
    try {
      Path dir = Files.createTempDirectory("etcron-h2");
      return RunStores.open(RunStores.h2Url(dir));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
