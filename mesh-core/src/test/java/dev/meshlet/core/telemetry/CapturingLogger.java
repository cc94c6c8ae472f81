package dev.meshlet.core.telemetry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that keeps what it is given, for tests of what is logged. */
public final class CapturingLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  public final List<String> lines = new CopyOnWriteArrayList<>();
  public final List<Level> levels = new CopyOnWriteArrayList<>();
  private final Level threshold;
  /** When set, logging throws, as a broken appender would. */
  public volatile boolean broken;

  public CapturingLogger(String name, Level threshold) {
    this.name = name;
    this.threshold = threshold;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    if (broken) {
      throw new IllegalStateException("appender is broken");
    }
    levels.add(level);
    lines.add(MessageFormatter.basicArrayFormat(messagePattern, arguments));
  }

  private boolean on(Level level) {
    return level.toInt() >= threshold.toInt();
  }

  @Override
  public boolean isTraceEnabled() {
    return on(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return on(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return on(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return on(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return on(Level.ERROR);
  }
}
