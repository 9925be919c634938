/**
 * A distributed lock on etcd, usable without the rest of etcron.
 *
 * <p>A {@link io.etcron.lock.Session} owns one lease, keeps it alive and tracks a local deadline on
 * a monotonic clock; when the deadline passes without renewal the session is lost, and every {@link
 * io.etcron.lock.HeldLock} and {@link io.etcron.lock.Leadership} on it reports the loss before etcd
 * can hand the key to someone else. A {@link io.etcron.lock.Lock} is taken with one transaction
 * ({@code If(CreateRevision(key) == 0) Then(Put(key, owner, lease)) Else(Get(key))}) or waited for
 * in a fair queue whose waiters watch their predecessor's deletion. The key's create revision is
 * the fencing token. {@link io.etcron.lock.Election} builds on the same primitives.
 *
 * <p>Depends on jetcd and SLF4J only.
 */
package io.etcron.lock;
