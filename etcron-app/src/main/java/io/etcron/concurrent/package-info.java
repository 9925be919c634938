/**
 * The few concurrency pieces every process of etcron shares: {@link io.etcron.concurrent.Loop} (a
 * background loop on a named thread that counts and survives its failures and stops within a
 * bound), {@link io.etcron.concurrent.Backoff} (how long to pause after failures) and {@link
 * io.etcron.concurrent.Threads} (named daemon threads for executors).
 *
 * <p>Depends on the JDK and SLF4J only.
 */
package io.etcron.concurrent;
