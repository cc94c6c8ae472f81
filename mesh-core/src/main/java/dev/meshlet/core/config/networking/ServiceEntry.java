package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's ServiceEntry: adds a service (external, or internal but not in the
 * platform registry) to the mesh's registry, with its ports and endpoints.
 *
 * @param addresses virtual IPs or CIDRs of the service
 * @param endpoints static endpoints; exclusive with {@code workloadSelector}
 * @param workloadSelector selects the WorkloadEntries (and pods) that serve it (MESH_INTERNAL)
 * @param subjectAltNames the SANs the service's certificates carry
 */
public record ServiceEntry(
    List<String> hosts,
    List<String> addresses,
    List<ServicePort> ports,
    @Nullable Location location,
    @Nullable Resolution resolution,
    List<WorkloadEntry> endpoints,
    @Nullable WorkloadSelector workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames) {

  public ServiceEntry {
    hosts = Copies.list(hosts);
    addresses = Copies.list(addresses);
    ports = Copies.list(ports);
    endpoints = Copies.list(endpoints);
    exportTo = Copies.list(exportTo);
    subjectAltNames = Copies.list(subjectAltNames);
  }

  /** Whether the service is outside the mesh (no mTLS, no mesh policies) or part of it. */
  public enum Location {
    MESH_EXTERNAL,
    MESH_INTERNAL
  }

  /** How the service's endpoints are found. */
  public enum Resolution {
    NONE,
    STATIC,
    DNS,
    DNS_ROUND_ROBIN,
    /** Resolved per request by a dynamic forward proxy; for wildcard hosts. */
    DYNAMIC_DNS
  }

  /**
   * A port of the service.
   *
   * @param protocol HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS (Istio's protocol names)
   * @param targetPort the endpoints' port, when it differs from {@code number}
   */
  public record ServicePort(
      @Nullable Integer number, @Nullable String protocol, @Nullable String name, @Nullable Integer targetPort) {}
}
