package io.etcron.runlog;

import io.etcron.run.RunStore;
import io.etcron.run.RunStoreContract;
import io.etcron.testing.PostgresServer;

class PostgresRunStoreIT extends RunStoreContract {
  @Override
  protected RunStore newStore() {
    // A database per test: retention is global to a store.
    return RunStores.open(PostgresServer.shared().newDatabase("runstore"));
  }
}
