package io.etcron.run;

/**
 * A terminal state a run reached, as the run store noted it in the transaction that stored it: the
 * input of notifications. Immutable.
 *
 * @param id the run
 * @param attempt the attempt that ended
 * @param state how it ended
 */
public record RunEnd(RunId id, int attempt, RunState state) {}
