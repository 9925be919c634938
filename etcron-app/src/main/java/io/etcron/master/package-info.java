/**
 * The master: a stateless server (any number behind a load balancer) that serves the REST API, the
 * web UI and the metrics, over etcd (jobs, workers) and the run store (runs). Duties that need one
 * actor cluster-wide (marking runs of dead workers LOST, retention) run on the master that wins the
 * {@code run-sweeper} election.
 *
 * <p>May depend on the domain packages, the stores and the lock library; never on the worker. Its
 * HTTP layer ({@code master.http}) and token model ({@code master.auth}) never depend back on it.
 */
package io.etcron.master;
