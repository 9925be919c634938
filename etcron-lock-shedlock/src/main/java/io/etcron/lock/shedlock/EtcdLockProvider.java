package io.etcron.lock.shedlock;

import io.etcd.jetcd.Client;
import io.etcron.lock.Lock;
import io.etcron.lock.LockException;
import io.etcron.lock.Session;
import io.etcron.lock.TryResult;
import java.util.Objects;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * ShedLock's {@code LockProvider} on etcd, built on etcron-lock: {@code @SchedulerLock} tasks of
 * every node that shares an etcd run one at a time.
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(Client etcd) {
 *   return EtcdLockProvider.on(etcd);
 * }
 * }</pre>
 *
 * <p>How ShedLock's settings map to etcd:
 *
 * <ul>
 *   <li><b>at most one holder</b>: the key {@code <namespace>mutex/<name>} is taken with etcron's
 *       one-transaction try-lock; a node that finds it taken skips the task. The key is the same as
 *       an etcron {@link Lock#on session lock} or {@code etcron lock NAME} of that name, so they
 *       exclude each other.
 *   <li><b>lockAtMostFor</b> is the lease: each lock gets a lease of that TTL (rounded up to whole
 *       seconds, at least {@link Session#MIN_TTL}) which is never renewed, so the hold ends at the
 *       latest when etcd expires it, even if the node hangs or crashes.
 *   <li><b>lockAtLeastFor</b>: an unlock before it has passed moves the key to a fresh lease of
 *       what remains of it (rounded up to whole seconds, raised to etcd's minimum lease), then
 *       revokes the first lease; afterwards unlock revokes the lease, which deletes the key at
 *       once.
 *   <li><b>extend</b> ({@link ExtensibleLockProvider}): moves the key to a fresh lease of the new
 *       lockAtMostFor if it is still ours (same create revision), else returns empty.
 * </ul>
 *
 * <p>Lock names must be valid etcron lock names ({@link io.etcron.lock.LockName}). Thread-safe;
 * every call blocks for a few etcd requests, each bounded by the request timeout.
 */
public final class EtcdLockProvider implements ExtensibleLockProvider {
  private final Client client;
  private final String namespace;
  private final String owner;

  private EtcdLockProvider(Client client, String namespace, String owner) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  /** A provider on {@code client}, with keys under {@value Session#DEFAULT_NAMESPACE}. */
  public static EtcdLockProvider on(Client client) {
    return on(client, Session.DEFAULT_NAMESPACE);
  }

  /** A provider on {@code client}, with keys under {@code namespace} (starts and ends with /). */
  public static EtcdLockProvider on(Client client, String namespace) {
    return new EtcdLockProvider(client, namespace, "shedlock " + ownerOfThisProcess());
  }

  /**
   * Takes the lock for at most {@code lockAtMostFor}, or returns empty if another holder has it.
   *
   * @throws IllegalArgumentException when the name is not a valid lock name
   * @throws LockException when etcd cannot be reached in time or refuses the request
   */
  @Override
  public Optional<SimpleLock> lock(LockConfiguration config) {
    Session session =
        Session.builder(client)
            .ttl(Leases.ttl(config.getLockAtMostFor(), Session.MIN_TTL))
            .namespace(namespace)
            .owner(owner)
            .open();
    try {
      TryResult result = Lock.on(session, config.getName()).tryAcquire();
      if (result.lock().isEmpty()) {
        session.close(); // revokes the unused lease
        return Optional.empty();
      }
      var held = result.lock().get();
      // Never renewed: the lease's TTL is lockAtMostFor, so etcd ends the hold by itself.
      session.orphan();
      return Optional.of(
          new EtcdSimpleLock(config, new Leases(client), held.key(), held.fencingToken(), session));
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private static String ownerOfThisProcess() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid();
  }

  @Override
  public String toString() {
    return "EtcdLockProvider{namespace=" + namespace + "}";
  }
}
