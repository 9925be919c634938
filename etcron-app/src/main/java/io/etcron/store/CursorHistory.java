package io.etcron.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's cursor as it was before a given revision, read from etcd's history: what a catch-up claim
 * at that revision read as the old cursor (the fires in between were nobody's). Stateless.
 */
public final class CursorHistory {
  private static final Logger log = LoggerFactory.getLogger(CursorHistory.class);

  private CursorHistory() {}

  /**
   * The cursor of {@code job} just before {@code revision}; empty if etcd has compacted that
   * history away, or the cursor did not exist then.
   *
   * @throws io.etcron.lock.EtcdUnavailableException when etcd does not answer
   */
  public static Optional<Instant> before(
      Client client, Keys keys, String job, long revision, Duration timeout) {
    try {
      return EtcdCalls.await(
              client
                  .getKVClient()
                  .get(
                      Keys.bytes(keys.cursor(job)),
                      GetOption.builder().withRevision(revision - 1).build()),
              timeout,
              "read the cursor of " + job + " before a claim")
          .getKvs()
          .stream()
          .findFirst()
          .map(kv -> Keys.unpad(Keys.string(kv.getValue())));
    } catch (EtcdRequestException e) {
      log.warn("the cursor of {} before revision {} is gone: {}", job, revision, e.getMessage());
      return Optional.empty();
    }
  }
}
