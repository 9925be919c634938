/**
 * Notifications of run outcomes: the elected master's loop ({@link io.etcron.notify.Notifier}) that
 * turns the run ends noted in the run store's {@link io.etcron.run.Outbox} into deliveries for each
 * job's {@code notify} targets, finds late runs, and sends webhooks (signed JSON POSTs) and email
 * with retries. Depends on the domain ({@code job}, {@code run}), the JDK's HTTP client, Jakarta
 * Mail and Jackson; knows no etcd, SQL or master.
 */
package io.etcron.notify;
