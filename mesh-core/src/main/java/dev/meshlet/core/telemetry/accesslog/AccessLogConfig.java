package dev.meshlet.core.telemetry.accesslog;

import java.util.Objects;

/**
 * Whether and how calls are logged.
 *
 * @param enabled whether to log at all; off by default, as in Istio's default profile
 * @param format text or JSON
 * @param loggerName the SLF4J logger the lines go to
 */
public record AccessLogConfig(boolean enabled, AccessLogFormat format, String loggerName) {
  /** The SLF4J logger name of access logs unless configured otherwise. */
  public static final String DEFAULT_LOGGER_NAME = "meshlet.access";

  /** No access log. */
  public static final AccessLogConfig DISABLED =
      new AccessLogConfig(false, AccessLogFormat.TEXT, DEFAULT_LOGGER_NAME);

  public AccessLogConfig {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(loggerName, "loggerName");
    if (loggerName.isBlank()) {
      throw new IllegalArgumentException("loggerName: \"" + loggerName + "\" (expected: a logger name)");
    }
  }

  /** The default: off. */
  public static AccessLogConfig ofDefaults() {
    return DISABLED;
  }

  /** Text lines to {@value #DEFAULT_LOGGER_NAME}. */
  public static AccessLogConfig text() {
    return new AccessLogConfig(true, AccessLogFormat.TEXT, DEFAULT_LOGGER_NAME);
  }

  /** JSON lines to {@value #DEFAULT_LOGGER_NAME}. */
  public static AccessLogConfig json() {
    return new AccessLogConfig(true, AccessLogFormat.JSON, DEFAULT_LOGGER_NAME);
  }
}
