/**
 * The chaos test: a 3-member etcd, two masters, three workers (the product's runnable jar) and a
 * PostgreSQL run store as processes on 127.0.0.1, a job mix of every policy, faults from a seeded
 * plan, and the history that {@link io.etcron.chaos.check.Checker} checks. Depends on the product
 * only through its jar, its REST API, its etcd keys and its run store's table.
 */
package io.etcron.chaos;
