/**
 * A distributed lock on etcd, usable without the rest of etcron.
 *
 * <p>A {@link io.etcron.lock.Session} owns one lease, keeps it alive and tracks a local deadline on
 * a monotonic clock; it is healthy, at risk ({@link io.etcron.lock.Session#atRisk()}) or ended
 * ({@link io.etcron.lock.Session#done()}). When the deadline passes without renewal every {@link
 * io.etcron.lock.HeldLock} on it reports the loss, before etcd can hand the key to anyone else. A
 * {@link io.etcron.lock.Lock} ({@link io.etcron.lock.Lock#on}) is taken with one transaction
 * ({@code If(CreateRevision(key) == 0) Then(Put(key, owner, lease)) Else(Get(key))}) or waited for
 * in a fair queue whose waiters watch their predecessor's deletion. The key's create revision is
 * the fencing token. {@link io.etcron.lock.Election} builds on the same primitives.
 *
 * <p>Depends on jetcd and SLF4J only; nothing here knows of the rest of etcron.
 */
package io.etcron.lock;
