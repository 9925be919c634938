/**
 * Benchmarks run by {@code etcron bench ...}: each measures etcron beside a reference measured in
 * the same run (e.g. raw etcd transactions from the same client) and ends with one line of JSON.
 *
 * <p>May depend on every other package; nothing depends on it but the CLI.
 */
package io.etcron.bench;
