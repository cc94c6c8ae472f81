package dev.meshlet.routing.endpoint;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The endpoints of every registered service at one moment: service FQDN to endpoints. Immutable,
 * like a config snapshot; whoever tracks registrations builds a new one and swaps it in.
 * ServiceEntry and WorkloadEntry endpoints come from the config snapshot, not from here.
 *
 * <p>Without Kubernetes Services there is no service port to target port mapping: a call to a
 * port some instances listen on goes to those; any other port (the URL's default 80, typically)
 * goes to each instance's primary port (the one named {@code http}, else {@code http-*}, else the
 * lowest).
 */
public final class EndpointRegistry {
  private static final EndpointRegistry EMPTY = new EndpointRegistry(Map.of());

  private final Map<String, HostEndpoints> byHost;

  private EndpointRegistry(Map<String, HostEndpoints> byHost) {
    this.byHost = byHost;
  }

  public static EndpointRegistry empty() {
    return EMPTY;
  }

  /** The endpoints of {@code instances}: one per instance and port, with the instance's labels, locality and account. */
  public static EndpointRegistry of(Collection<WorkloadInstance> instances) {
    Builder b = builder();
    for (WorkloadInstance wi : instances) {
      List<Map.Entry<String, Integer>> ports = new ArrayList<>(wi.ports().entrySet());
      ports.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> rank(e.getKey())).thenComparing(Map.Entry::getValue));
      boolean primary = true;
      for (Map.Entry<String, Integer> port : ports) {
        Endpoint ep = new Endpoint(wi.address(), port.getValue(), wi.labels(), wi.locality(), 1, wi.serviceAccount(), wi);
        b.add(wi.host(), ep, primary);
        primary = false;
      }
      if (ports.isEmpty()) {
        b.service(wi.host());
      }
    }
    return b.build();
  }

  private static int rank(String portName) {
    return portName.equals("http") ? 0 : portName.startsWith("http") ? 1 : 2;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The primary endpoints of {@code fqdn}, in registration order; empty when the service is unknown. */
  public List<Endpoint> endpoints(String fqdn) {
    HostEndpoints h = byHost.get(fqdn);
    return h == null ? List.of() : h.primary;
  }

  /** The endpoints of {@code fqdn} listening on {@code port}, or its primary endpoints when none does. */
  public List<Endpoint> endpoints(String fqdn, int port) {
    HostEndpoints h = byHost.get(fqdn);
    if (h == null) {
      return List.of();
    }
    return h.byPort.getOrDefault(port, h.primary);
  }

  /** The port numbers some endpoint of {@code fqdn} listens on. */
  public Set<Integer> ports(String fqdn) {
    HostEndpoints h = byHost.get(fqdn);
    return h == null ? Set.of() : h.byPort.keySet();
  }

  /** Whether {@code fqdn} is a registered service (it may have no endpoint at the moment). */
  public boolean contains(String fqdn) {
    return byHost.containsKey(fqdn);
  }

  /** Every registered service's FQDN. */
  public Set<String> hosts() {
    return byHost.keySet();
  }

  @Override
  public String toString() {
    return "EndpointRegistry" + byHost.keySet();
  }

  private record HostEndpoints(List<Endpoint> primary, Map<Integer, List<Endpoint>> byPort) {}

  /** Collects endpoints by service; not thread-safe. */
  public static final class Builder {
    private final Map<String, List<Endpoint>> primary = new LinkedHashMap<>();
    private final Map<String, Map<Integer, List<Endpoint>>> byPort = new LinkedHashMap<>();

    private Builder() {}

    /** Declares {@code fqdn} a service, with no endpoint yet. */
    public Builder service(String fqdn) {
      primary.computeIfAbsent(fqdn, k -> new ArrayList<>());
      byPort.computeIfAbsent(fqdn, k -> new LinkedHashMap<>());
      return this;
    }

    /** Adds a primary endpoint of {@code fqdn}. */
    public Builder add(String fqdn, Endpoint endpoint) {
      return add(fqdn, endpoint, true);
    }

    /** Adds an endpoint of {@code fqdn}; a secondary one is reached only by its port. */
    public Builder add(String fqdn, Endpoint endpoint, boolean isPrimary) {
      service(fqdn);
      if (isPrimary) {
        primary.get(fqdn).add(endpoint);
      }
      byPort.get(fqdn).computeIfAbsent(endpoint.port(), k -> new ArrayList<>()).add(endpoint);
      return this;
    }

    public EndpointRegistry build() {
      Map<String, HostEndpoints> out = new LinkedHashMap<>();
      primary.forEach((host, eps) -> {
        Map<Integer, List<Endpoint>> ports = new LinkedHashMap<>();
        byPort.get(host).forEach((p, l) -> ports.put(p, List.copyOf(l)));
        out.put(host, new HostEndpoints(List.copyOf(eps), Map.copyOf(ports)));
      });
      return new EndpointRegistry(Map.copyOf(out));
    }
  }
}
