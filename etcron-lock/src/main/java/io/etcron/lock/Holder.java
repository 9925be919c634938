package io.etcron.lock;

import io.etcd.jetcd.KeyValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Who holds a lock, as read from its key.
 *
 * @param key the etcd key
 * @param owner the holder's owner string (e.g. {@code host/pid})
 * @param since when the holder acquired it, by its own clock, when recorded
 * @param fencingToken the key's create revision
 * @param leaseId the lease the key is attached to
 */
public record Holder(
    String key, String owner, Optional<Instant> since, long fencingToken, long leaseId) {

  /** The value a holder writes: its owner, a newline, the acquisition time. */
  static String value(String owner, Instant since) {
    return owner + "\n" + since;
  }

  static Holder of(KeyValue kv) {
    String value = Etcd.string(kv.getValue());
    int newline = value.lastIndexOf('\n');
    String owner = newline < 0 ? value : value.substring(0, newline);
    Optional<Instant> since = Optional.empty();
    if (newline >= 0) {
      try {
        since = Optional.of(Instant.parse(value.substring(newline + 1)));
      } catch (DateTimeParseException e) {
        // written by something else than this library: report the owner only
      }
    }
    return new Holder(
        Etcd.string(kv.getKey()), owner, since, kv.getCreateRevision(), kv.getLease());
  }

  @Override
  public String toString() {
    return owner
        + since.map(s -> " since " + s).orElse("")
        + " (fencing token "
        + fencingToken
        + ")";
  }
}
