/**
 * Runs commands as child processes: in a process group of their own, with a timeout, a kill that
 * reaches the whole process tree, bounded output capture and a live output stream.
 *
 * <p>May depend on the domain packages; never on etcd, the run store's SQL or HTTP.
 */
package io.etcron.execute;
