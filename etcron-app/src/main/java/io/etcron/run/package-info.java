/**
 * Runs: what happened to each fire ({@link io.etcron.run.Run}, {@link io.etcron.run.RunState}),
 * their ids ({@code <job>@<fire time millis>}) and the {@link io.etcron.run.RunStore} seam that the
 * SQL store and the in-memory store implement. Pure domain: depends on the JDK only.
 */
package io.etcron.run;
