/**
 * Runs the real {@code etcd} binary as child processes on 127.0.0.1: a single member or a cluster,
 * with stop, kill -9, pause (SIGSTOP), resume and restart of each member.
 *
 * <p>Used by {@code etcron standalone} (a managed local etcd), by the benchmarks and by the test
 * harness. Depends on the JDK and SLF4J only.
 */
package io.etcron.etcd;
