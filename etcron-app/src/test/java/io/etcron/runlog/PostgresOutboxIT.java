package io.etcron.runlog;

import io.etcron.run.RunStore;
import io.etcron.testing.PostgresServer;

class PostgresOutboxIT extends OutboxContract {
  @Override
  protected RunStore newStore() {
    return RunStores.open(PostgresServer.shared().newDatabase("outbox"));
  }
}
