package io.etcron.lock;

import io.etcd.jetcd.Client;
import java.time.Duration;

/** The contract, for a lock held with a shared session's lease. */
class SessionLockContractIT extends LockContract {
  @Override
  Contender contender(Client client, String name, String owner) {
    return new OnSession(client, owner) {
      final Lock lock = Lock.on(session, name);

      @Override
      public HeldLock acquire(Duration timeout) {
        return lock.acquire(timeout);
      }
    };
  }

  @Override
  String keysOf(String name) {
    return Session.DEFAULT_NAMESPACE + "mutex/" + name;
  }

  @Override
  String holdMode() {
    return "hold";
  }
}
