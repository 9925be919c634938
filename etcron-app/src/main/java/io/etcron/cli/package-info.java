/**
 * The {@code etcron} command (picocli): server modes ({@code standalone}, {@code master}, {@code
 * worker}), client commands ({@code job}, {@code runs}, {@code workers}), {@code lock} and {@code
 * cron next}; the benchmarks' module adds {@code bench} through {@link io.etcron.cli.Main#run(
 * java.util.List, String...)}. Maps every error to a one-line message and a documented exit code
 * ({@link io.etcron.cli.ExitCodes}); never prints a stack trace unless {@code ETCRON_DEBUG=1}.
 *
 * <p>The outermost layer of the product: may depend on every other package of it.
 */
package io.etcron.cli;
