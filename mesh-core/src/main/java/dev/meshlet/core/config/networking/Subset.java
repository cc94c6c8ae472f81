package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A named group of a service's endpoints, chosen by labels (a version, typically), with a
 * traffic policy that overrides the rule's own.
 */
public record Subset(@Nullable String name, Map<String, String> labels, @Nullable TrafficPolicy trafficPolicy) {
  public Subset {
    labels = Copies.map(labels);
  }
}
