/**
 * The worker: follows the jobs in etcd, schedules their fires on one timer, claims each fire
 * exactly once (through {@link io.etcron.claim}), executes the runs (through {@link
 * io.etcron.execute}), records them (through the run store), registers itself under {@code
 * workers/} on its session lease, and reacts to kill requests, lease loss and drain.
 *
 * <p>May depend on every package but the master, the CLI and the benchmarks.
 */
package io.etcron.worker;
