package io.etcron.master.auth;

/**
 * Where the master's tokens come from now: fixed {@link Tokens}, or a file re-read when it changes.
 * Implementations are thread-safe and never block.
 */
@FunctionalInterface
public interface TokenSource {
  /** The tokens in force. */
  Tokens current();
}
