package io.etcron.lock;

import io.etcd.jetcd.KeyValue;

/**
 * The current leader of an election.
 *
 * @param value what the leader published when it campaigned
 * @param fencingToken the create revision of its candidate key
 * @param leaseId the leader's lease
 */
public record Leader(String value, long fencingToken, long leaseId) {
  static Leader of(KeyValue kv) {
    return new Leader(Etcd.string(kv.getValue()), kv.getCreateRevision(), kv.getLease());
  }
}
