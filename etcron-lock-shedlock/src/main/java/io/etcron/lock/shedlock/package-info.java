/**
 * A ShedLock {@code LockProvider} on etcron-lock ({@link
 * io.etcron.lock.shedlock.EtcdLockProvider}): ShedLock's {@code @SchedulerLock} backed by etcd.
 * Depends on etcron-lock, jetcd and shedlock-core only.
 */
package io.etcron.lock.shedlock;
