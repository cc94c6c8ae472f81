package dev.meshlet.agent.admin;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Level;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Log levels at run time, for {@code /logging}. SLF4J has no API for levels, so this works on the
 * binding behind it, found from SLF4J's logger factory: Logback (by reflection, no compile-time
 * dependency), java.util.logging (slf4j-jdk14) and slf4j-simple (whose levels are fixed when a
 * logger is made; changed here by reflection on its loggers, and through its system properties for
 * loggers made later). Any other binding is shown as such and refuses changes.
 */
abstract class LogLevels {
  static final String ROOT = "ROOT";
  static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

  /** The levels this class set, by logger: what {@code GET /logging} shows. */
  final Map<String, String> set = new ConcurrentHashMap<>();

  static LogLevels detect() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    String type = factory.getClass().getName();
    try {
      return switch (type) {
        case "ch.qos.logback.classic.LoggerContext" -> new Logback(factory);
        case "org.slf4j.jul.JDK14LoggerFactory", "org.slf4j.impl.JDK14LoggerFactory" -> new Jul();
        case "org.slf4j.simple.SimpleLoggerFactory" -> new Simple(factory);
        default -> new Unsupported(type);
      };
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new Unsupported(type + " (" + e + ")");
    }
  }

  /** java.util.logging's levels, whatever SLF4J's binding is (tests, and code that logs to JUL directly). */
  static LogLevels jul() {
    return new Jul();
  }

  abstract String backend();

  boolean canChange() {
    return true;
  }

  /**
   * Sets {@code logger} (and the loggers under it) to {@code level}.
   *
   * @throws IllegalArgumentException when the level is not one of {@link #LEVELS}
   * @throws UnsupportedOperationException when the backend cannot change levels
   */
  final void set(String logger, String level) {
    String l = level.trim().toLowerCase(Locale.ROOT);
    if (l.equals("warning")) {
      l = "warn";
    } else if (l.equals("critical")) {
      l = "error"; // Envoy's name
    }
    if (!LEVELS.contains(l)) {
      throw new IllegalArgumentException("log level of " + logger + ": '" + level + "' (expected: one of " + LEVELS + ")");
    }
    if (logger.isBlank()) {
      throw new IllegalArgumentException("logger name: blank (expected: a logger name such as dev.meshlet.routing, or level)");
    }
    apply(logger, l);
    set.put(logger, l);
  }

  abstract void apply(String logger, String level);

  /** The levels set through the admin endpoint, by logger. */
  Map<String, String> levels() {
    return new TreeMap<>(set);
  }

  /** Logback: {@code LoggerContext.getLogger(name).setLevel(Level.toLevel(level))}, by reflection. */
  private static final class Logback extends LogLevels {
    private final ILoggerFactory context;
    private final Method setLevel;
    private final Method toLevel;

    Logback(ILoggerFactory context) throws ReflectiveOperationException {
      this.context = context;
      ClassLoader loader = context.getClass().getClassLoader();
      Class<?> levelType = Class.forName("ch.qos.logback.classic.Level", true, loader);
      Class<?> loggerType = Class.forName("ch.qos.logback.classic.Logger", true, loader);
      this.setLevel = loggerType.getMethod("setLevel", levelType);
      this.toLevel = levelType.getMethod("toLevel", String.class);
    }

    @Override
    String backend() {
      return "logback";
    }

    @Override
    void apply(String logger, String level) {
      try {
        Object target = context.getLogger(logger.equals(ROOT) ? org.slf4j.Logger.ROOT_LOGGER_NAME : logger);
        setLevel.invoke(target, toLevel.invoke(null, level.toUpperCase(Locale.ROOT)));
      } catch (ReflectiveOperationException e) {
        throw new UnsupportedOperationException("logback refused level " + level + " for " + logger + ": " + e, e);
      }
    }
  }

  /** java.util.logging: levels on its loggers, held here so the JDK does not collect them and forget the level. */
  private static final class Jul extends LogLevels {
    private final Map<String, java.util.logging.Logger> held = new ConcurrentHashMap<>();

    @Override
    String backend() {
      return "java.util.logging";
    }

    @Override
    void apply(String logger, String level) {
      java.util.logging.Logger target = java.util.logging.Logger.getLogger(logger.equals(ROOT) ? "" : logger);
      held.put(logger, target);
      target.setLevel(switch (level) {
        case "trace" -> Level.FINEST;
        case "debug" -> Level.FINE;
        case "info" -> Level.INFO;
        case "warn" -> Level.WARNING;
        case "error" -> Level.SEVERE;
        default -> Level.OFF;
      });
      if (logger.equals(ROOT)) {
        for (java.util.logging.Handler h : target.getHandlers()) {
          h.setLevel(target.getLevel()); // the console handler filters at INFO by default
        }
      }
    }
  }

  /**
   * slf4j-simple: each logger's level is an int field set when it is made. Loggers already made get
   * it by reflection; loggers made later read {@code org.slf4j.simpleLogger.log.<name>}.
   */
  private static final class Simple extends LogLevels {
    private final ConcurrentMap<String, ?> loggers;
    private final Field current;
    private final Object config;
    private final Field defaultLevel;

    Simple(ILoggerFactory factory) throws ReflectiveOperationException {
      Field map = factory.getClass().getDeclaredField("loggerMap");
      map.setAccessible(true);
      this.loggers = (ConcurrentMap<String, ?>) map.get(factory);
      Class<?> loggerType = Class.forName("org.slf4j.simple.SimpleLogger", true, factory.getClass().getClassLoader());
      this.current = loggerType.getDeclaredField("currentLogLevel");
      current.setAccessible(true);
      Field params = loggerType.getDeclaredField("CONFIG_PARAMS");
      params.setAccessible(true);
      this.config = params.get(null);
      this.defaultLevel = config.getClass().getDeclaredField("defaultLogLevel");
      defaultLevel.setAccessible(true);
    }

    @Override
    String backend() {
      return "slf4j-simple";
    }

    @Override
    void apply(String logger, String level) {
      int value = switch (level) {
        case "trace" -> 0;
        case "debug" -> 10;
        case "info" -> 20;
        case "warn" -> 30;
        case "error" -> 40;
        default -> 50;
      };
      try {
        if (logger.equals(ROOT)) {
          defaultLevel.setInt(config, value);
        } else {
          System.setProperty("org.slf4j.simpleLogger.log." + logger, level);
        }
        for (Map.Entry<String, ?> e : loggers.entrySet()) {
          String name = e.getKey();
          if (logger.equals(ROOT) ? !explicitlySet(name) : name.equals(logger) || name.startsWith(logger + ".")) {
            if (current.getDeclaringClass().isInstance(e.getValue())) {
              current.setInt(e.getValue(), value);
            }
          }
        }
      } catch (IllegalAccessException e) {
        throw new UnsupportedOperationException("slf4j-simple refused level " + level + " for " + logger + ": " + e, e);
      }
    }

    /** Whether a logger's level was set by name (here or by a system property), which the root level does not override. */
    private boolean explicitlySet(String name) {
      for (String prefix = name; !prefix.isEmpty(); prefix = prefix.contains(".") ? prefix.substring(0, prefix.lastIndexOf('.')) : "") {
        if (set.containsKey(prefix) || System.getProperty("org.slf4j.simpleLogger.log." + prefix) != null) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class Unsupported extends LogLevels {
    private final String type;

    Unsupported(String type) {
      this.type = type;
    }

    @Override
    String backend() {
      return type;
    }

    @Override
    boolean canChange() {
      return false;
    }

    @Override
    void apply(String logger, String level) {
      throw new UnsupportedOperationException("log levels cannot be changed at run time with SLF4J binding " + type
          + " (supported: logback, slf4j-jdk14, slf4j-simple)");
    }
  }
}
