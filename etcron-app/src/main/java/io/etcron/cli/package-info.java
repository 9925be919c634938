/**
 * The {@code etcron} command (picocli): server modes ({@code standalone}, {@code master}, {@code
 * worker}), client commands ({@code job}, {@code runs}, {@code workers}), {@code lock}, {@code cron
 * next} and {@code bench}. Maps every error to a one-line message and a documented exit code
 * ({@link io.etcron.cli.ExitCodes}); never prints a stack trace unless {@code ETCRON_DEBUG=1}.
 *
 * <p>The outermost layer: may depend on every other package.
 */
package io.etcron.cli;
