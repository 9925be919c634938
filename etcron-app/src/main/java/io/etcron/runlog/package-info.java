/**
 * The run store on SQL (H2 by default, PostgreSQL in production) with Flyway migrations and a
 * HikariCP pool, and {@link io.etcron.runlog.RunRecorder}, the batched asynchronous writer the
 * worker records through: writes never block scheduling and are never dropped; when the store is
 * slow or down the recorder pushes back and the worker stops claiming.
 *
 * <p>Depends on the domain packages, JDBC, HikariCP and Flyway.
 */
package io.etcron.runlog;
