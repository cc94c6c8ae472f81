package dev.meshlet.core.telemetry;

import dev.meshlet.core.config.Hosts;
import org.jspecify.annotations.Nullable;

/**
 * The service a call was addressed to, as Istio's {@code destination_service},
 * {@code destination_service_name} and {@code destination_service_namespace} label it.
 *
 * @param host the service's host ({@code reviews.default.svc.cluster.local})
 * @param name its short name ({@code reviews})
 * @param namespace its namespace ({@code default})
 */
public record ServiceLabels(String host, String name, String namespace) {

  /** What Istio reports when the destination service is not known. */
  public static final ServiceLabels UNKNOWN =
      new ServiceLabels(WorkloadLabels.UNKNOWN, WorkloadLabels.UNKNOWN, WorkloadLabels.UNKNOWN);

  public ServiceLabels(@Nullable String host, @Nullable String name, @Nullable String namespace) {
    this.host = orUnknown(host);
    this.name = orUnknown(name);
    this.namespace = orUnknown(namespace);
  }

  /**
   * The labels of a service from its host: {@code reviews.default.svc.cluster.local} gives name
   * {@code reviews} and namespace {@code default}. Any other host (a ServiceEntry's
   * {@code api.example.com}) is its own name, as Istio names it, with the namespace unknown: use
   * the constructor to give the ServiceEntry's namespace.
   */
  public static ServiceLabels ofHost(String fqdn) {
    String namespace = Hosts.namespaceOf(fqdn);
    return new ServiceLabels(fqdn, namespace == null ? fqdn : Hosts.shortName(fqdn), namespace);
  }

  /**
   * A call that left the mesh through Istio's ALLOW_ANY passthrough: the host as written,
   * {@code PassthroughCluster} as the service name, as Istio's stats filter reports it.
   */
  public static ServiceLabels passthrough(String host) {
    return new ServiceLabels(host, "PassthroughCluster", null);
  }

  private static String orUnknown(@Nullable String value) {
    return value == null || value.isEmpty() ? WorkloadLabels.UNKNOWN : value;
  }
}
