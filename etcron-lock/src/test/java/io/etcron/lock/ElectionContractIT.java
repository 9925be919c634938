package io.etcron.lock;

import io.etcd.jetcd.Client;
import java.time.Duration;

/** The contract, for an election's leadership: leading is holding, resigning is releasing. */
class ElectionContractIT extends LockContract {
  @Override
  Contender contender(Client client, String name, String owner) {
    return new OnSession(client, owner) {
      final Election election = Election.on(session, name);

      @Override
      public HeldLock acquire(Duration timeout) {
        return election.campaign(owner, timeout);
      }
    };
  }

  @Override
  String keysOf(String name) {
    return Session.DEFAULT_NAMESPACE + "election/" + name + "/";
  }

  @Override
  String holdMode() {
    return "campaign";
  }
}
