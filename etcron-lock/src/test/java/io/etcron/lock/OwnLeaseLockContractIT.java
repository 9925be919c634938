package io.etcron.lock;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The contract, for a lock that grants a lease of its own for each acquisition. */
class OwnLeaseLockContractIT extends LockContract {
  @Override
  Contender contender(Client client, String name, String owner) {
    Lock lock = Lock.withOwnLease(Session.builder(client).ttl(TTL).owner(owner), name);
    List<HeldLock> taken = new CopyOnWriteArrayList<>();
    return new Contender() {
      @Override
      public HeldLock acquire(Duration timeout) {
        HeldLock held = lock.acquire(timeout);
        taken.add(held);
        return held;
      }

      @Override
      public void close() {
        taken.forEach(HeldLock::release);
      }
    };
  }

  @Override
  String keysOf(String name) {
    return Session.DEFAULT_NAMESPACE + "mutex/" + name;
  }

  @Override
  String holdMode() {
    return "hold-own";
  }
}
