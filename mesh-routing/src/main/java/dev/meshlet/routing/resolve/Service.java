package dev.meshlet.routing.resolve;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * A service the caller can reach: its FQDN, the namespace it lives in, and its endpoints by port.
 * An original-destination service (a ServiceEntry with {@code resolution: NONE}, a wildcard, or
 * DNS without endpoints) has none: the call goes to the host and port the application asked for.
 */
public final class Service {
  private final String fqdn;
  private final String namespace;
  private final List<Endpoint> primary;
  private final Map<Integer, List<Endpoint>> byPort;
  private final boolean originalDestination;

  Service(String fqdn, String namespace, List<Endpoint> primary, Map<Integer, List<Endpoint>> byPort,
      boolean originalDestination) {
    this.fqdn = fqdn;
    this.namespace = namespace;
    this.primary = List.copyOf(primary);
    this.byPort = Map.copyOf(byPort);
    this.originalDestination = originalDestination;
  }

  public String fqdn() {
    return fqdn;
  }

  /** The namespace of the service (of its ServiceEntry, for one declared so). */
  public String namespace() {
    return namespace;
  }

  /** Whether calls go to the host and port asked for rather than to endpoints of the mesh's. */
  public boolean originalDestination() {
    return originalDestination;
  }

  /** The endpoints serving {@code port}, or the primary ones when the port is not one of the service's. */
  public List<Endpoint> endpoints(int port) {
    return byPort.getOrDefault(port, primary);
  }

  /** Every endpoint (of every port). */
  public List<Endpoint> primaryEndpoints() {
    return primary;
  }

  @Override
  public String toString() {
    return fqdn;
  }
}
