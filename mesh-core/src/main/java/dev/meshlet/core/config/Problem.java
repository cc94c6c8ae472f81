package dev.meshlet.core.config;

import java.util.Objects;

/**
 * Something wrong, or worth saying, about one field of a document: where (a field path such as
 * {@code spec.http[1].route[0].weight}, empty for the document as a whole) and what.
 */
public record Problem(Severity severity, String path, String message) {
  /** An error makes a resource invalid; a warning does not. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public Problem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  public static Problem error(String path, String message) {
    return new Problem(Severity.ERROR, path, message);
  }

  public static Problem warning(String path, String message) {
    return new Problem(Severity.WARNING, path, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code path: message}, or the message alone when the problem has no path. */
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
