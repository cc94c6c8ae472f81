package dev.meshlet.routing;

import dev.meshlet.core.config.ObjectMeta;
import java.util.Map;
import java.util.Objects;

/**
 * The service that makes outbound calls: its name, namespace and labels. Routes match on it
 * ({@code sourceLabels}, {@code sourceNamespace}), short host names resolve in its namespace and
 * its Sidecar is picked by it.
 *
 * @param name the service name ({@code productpage})
 * @param namespace its namespace, {@code default} when none is given
 * @param labels its workload labels ({@code app}, {@code version})
 */
public record CallerIdentity(String name, String namespace, Map<String, String> labels) {
  public CallerIdentity {
    Objects.requireNonNull(name, "name");
    namespace = namespace == null || namespace.isEmpty() ? ObjectMeta.DEFAULT_NAMESPACE : namespace;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A caller with no labels. */
  public static CallerIdentity of(String name, String namespace) {
    return new CallerIdentity(name, namespace, Map.of());
  }
}
