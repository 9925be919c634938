/**
 * The run store on SQL (H2 by default, PostgreSQL in production) with Flyway migrations and a
 * HikariCP pool, and the store a worker starts with while its database is down ({@link
 * io.etcron.runlog.DeferredRunStore}).
 *
 * <p>Depends on the domain packages, JDBC, HikariCP and Flyway.
 */
package io.etcron.runlog;
