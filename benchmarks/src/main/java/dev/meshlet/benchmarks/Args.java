package dev.meshlet.benchmarks;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code --key value} and {@code --flag} command-line arguments, strictly: an unknown key is an error. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, java.util.Set<String> flags, java.util.Set<String> keys) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (flags.contains(arg)) {
        values.put(arg, "true");
      } else if (keys.contains(arg) && i + 1 < args.length) {
        values.put(arg, args[++i]);
      } else {
        throw new IllegalArgumentException("argument: " + arg + " (expected one of " + flags + " or " + keys
            + " with a value)");
      }
    }
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  @Nullable String get(String name) {
    return values.get(name);
  }

  String get(String name, String otherwise) {
    return values.getOrDefault(name, otherwise);
  }

  String require(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  long getLong(String name, long otherwise) {
    String value = values.get(name);
    return value == null ? otherwise : Long.parseLong(value);
  }
}
