/**
 * etcron's state in etcd: the key layout ({@link io.etcron.store.Keys}), connection settings, the
 * etcd job store with optimistic concurrency (a job's mod revision is its version), the audit
 * trail, and {@link io.etcron.store.PrefixMirror}, the list-then-watch mirror every node uses to
 * follow a key prefix without losing or doubling a change.
 *
 * <p>Depends on the domain packages and jetcd; never on HTTP, SQL or the worker.
 */
package io.etcron.store;
