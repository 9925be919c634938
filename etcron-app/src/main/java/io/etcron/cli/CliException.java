package io.etcron.cli;

/** A failure the CLI reports as one line with a given exit code. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;
  private final int httpStatus;

  CliException(int exitCode, String message) {
    this(exitCode, message, 0);
  }

  /** A refusal by the master, with the HTTP status it answered. */
  CliException(int exitCode, String message, int httpStatus) {
    super(message);
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
  }

  int exitCode() {
    return exitCode;
  }

  /** The master's HTTP status, 0 when the failure was not an answer of the master's. */
  int httpStatus() {
    return httpStatus;
  }
}
