/**
 * Benchmarks run by {@code etcron bench ...} (the {@code etcron-bench} module and its jar): each
 * measures etcron beside a reference measured in the same run (e.g. raw etcd transactions from the
 * same client) and ends with one line of JSON. {@link io.etcron.bench.BenchMain} adds the command
 * to the product's command line; {@link io.etcron.bench.JsonLinesProvider} gives the workers the
 * benchmarks' run store through the product's {@link io.etcron.runlog.RunStoreProvider} seam.
 *
 * <p>May depend on every package of the product; the product depends on none of it.
 */
package io.etcron.bench;
