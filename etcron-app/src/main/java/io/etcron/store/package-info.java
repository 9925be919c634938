/**
 * etcron's state in etcd: the key layout ({@link io.etcron.store.Keys}), connection settings, the
 * etcd job store with optimistic concurrency (a job's mod revision is its version), the audit
 * trail, {@link io.etcron.store.PagedRange}, which reads a prefix of any size in pages at one
 * revision, and {@link io.etcron.store.PrefixMirror}, the list-then-watch mirror every node uses to
 * follow a key prefix without losing or doubling a change. Failures are sorted by gRPC status: an
 * unreachable etcd ({@link io.etcron.lock.EtcdUnavailableException}) is told apart from a request
 * it refused ({@link io.etcron.store.EtcdRequestException}).
 *
 * <p>Depends on the domain packages and jetcd; never on HTTP, SQL or the worker.
 */
package io.etcron.store;
