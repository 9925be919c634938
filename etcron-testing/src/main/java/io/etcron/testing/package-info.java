/**
 * Test support for etcron and the lock library: {@link io.etcron.testing.EtcdExtension} runs the
 * real etcd binary (one member or a cluster whose members a test can kill, pause and restart),
 * {@link io.etcron.testing.PostgresServer} runs a real PostgreSQL, {@link
 * io.etcron.testing.SettableClock} lets pure-logic tests drive time.
 *
 * <p>May depend on etcron-etcd, jetcd and JUnit; never on the product.
 */
package io.etcron.testing;
