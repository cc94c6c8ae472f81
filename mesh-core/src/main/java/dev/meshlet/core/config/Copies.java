package dev.meshlet.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Defensive copies for the spec records' compact constructors: null becomes empty, the result
 * is immutable and keeps the document's order (so a resource written back reads as it was
 * written).
 */
public final class Copies {
  private Copies() {}

  public static <T> List<T> list(@Nullable List<T> in) {
    return in == null ? List.of() : List.copyOf(in);
  }

  /** Keeps the document's order (so a policy written back reads as it was written). */
  public static <K, V> Map<K, V> map(@Nullable Map<K, V> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<K, V> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(
        Objects.requireNonNull(k, "map key"), Objects.requireNonNull(v, "map value")));
    return Collections.unmodifiableMap(out);
  }
}
