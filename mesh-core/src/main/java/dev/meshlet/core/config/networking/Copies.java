package dev.meshlet.core.config.networking;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Null-to-empty immutable copies for the list and map components of the spec records. */
final class Copies {
  private Copies() {}

  static <T> List<T> list(@Nullable List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  static <K, V> Map<K, V> map(@Nullable Map<K, V> map) {
    return map == null ? Map.of() : Map.copyOf(map);
  }
}
