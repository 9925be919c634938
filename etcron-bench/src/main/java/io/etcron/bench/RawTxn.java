package io.etcron.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The reference every benchmark compares with: a put-if-absent transaction on a key, plus its
 * delete, with no logic around them, from the same client.
 */
final class RawTxn {
  private RawTxn() {}

  static Throughput.Cycle cycle(Client client, String key, long lease) {
    return cycle(client, key, lease, false);
  }

  /**
   * @param fenced release with a compare-and-delete on the key's create revision (what a lock must
   *     do so that it never deletes a later holder's key) instead of a plain delete
   */
  static Throughput.Cycle cycle(Client client, String key, long lease, boolean fenced) {
    ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
    ByteSequence value = ByteSequence.from("bench", StandardCharsets.UTF_8);
    KV kv = client.getKVClient();
    PutOption withLease =
        lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
    return () -> {
      var response =
          kv.txn()
              .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
              .Then(Op.put(k, value, withLease))
              .Else(Op.get(k, GetOption.DEFAULT))
              .commit()
              .get(10, TimeUnit.SECONDS);
      if (!response.isSucceeded()) {
        throw new IllegalStateException("raw key " + key + " was taken");
      }
      if (fenced) {
        long token = response.getHeader().getRevision();
        kv.txn()
            .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
            .Then(Op.delete(k, DeleteOption.DEFAULT))
            .commit()
            .get(10, TimeUnit.SECONDS);
      } else {
        kv.delete(k).get(10, TimeUnit.SECONDS);
      }
    };
  }
}
