package dev.meshlet.core.telemetry.accesslog;

import dev.meshlet.core.telemetry.CallRecord;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per call to an SLF4J logger at INFO, as text or JSON. When the log is off, or
 * the logger would drop INFO, nothing is formatted: the line costs a branch.
 */
public final class AccessLog {
  private final AccessLogConfig config;
  private final Logger logger;

  private AccessLog(AccessLogConfig config, Logger logger) {
    this.config = Objects.requireNonNull(config, "config");
    this.logger = Objects.requireNonNull(logger, "logger");
  }

  /** The access log {@code config} describes, to the logger it names. */
  public static AccessLog create(AccessLogConfig config) {
    return new AccessLog(config, LoggerFactory.getLogger(config.loggerName()));
  }

  /** The access log {@code config} describes, to {@code logger}. */
  public static AccessLog create(AccessLogConfig config, Logger logger) {
    return new AccessLog(config, logger);
  }

  /** Whether a call would be written. */
  public boolean isEnabled() {
    return config.enabled() && logger.isInfoEnabled();
  }

  /** The configuration. */
  public AccessLogConfig config() {
    return config;
  }

  /** Writes the line of {@code call}, when the log is on. */
  public void log(CallRecord call) {
    if (!isEnabled()) {
      return;
    }
    String line =
        config.format() == AccessLogFormat.JSON
            ? AccessLogFormatter.json(call)
            : AccessLogFormatter.text(call);
    logger.info(line);
  }
}
