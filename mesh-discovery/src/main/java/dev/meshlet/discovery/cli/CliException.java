package dev.meshlet.discovery.cli;

/** A failure meshctl reports in one line and exits 1 for. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
