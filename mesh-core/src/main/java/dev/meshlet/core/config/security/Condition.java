package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's AuthorizationPolicy {@code Condition} (a {@code when} entry): an Istio attribute such as
 * {@code source.ip} or {@code request.headers[x-user]}, the values it must match and the values it
 * must not. At least one of the two lists is set.
 */
public record Condition(@Nullable String key, List<String> values, List<String> notValues) {
  public Condition {
    values = Copies.list(values);
    notValues = Copies.list(notValues);
  }
}
