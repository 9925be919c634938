/**
 * Runs commands as child processes: in a process group of their own, with a timeout, a kill that
 * reaches the whole process tree, bounded output capture and a live output stream; optionally as
 * another account of the host and under rlimits ({@link io.etcron.execute.Confinement}), which the
 * watchdog applies between fork and exec. HTTP jobs' calls are made in-process instead ({@link
 * io.etcron.execute.HttpExecutor}), with the JDK's HTTP client.
 *
 * <p>May depend on the domain packages and {@code java.net.http}; never on etcd, the run store's
 * SQL or the master's HTTP server.
 */
package io.etcron.execute;
