/**
 * The JSON mapping shared by the etcd store, the master's API and the CLI: one configured Jackson
 * {@code ObjectMapper} (unknown fields refused, ISO-8601 instants, absent optionals left out).
 *
 * <p>Depends on Jackson and the domain packages only.
 */
package io.etcron.json;
