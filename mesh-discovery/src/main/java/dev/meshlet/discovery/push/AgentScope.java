package dev.meshlet.discovery.push;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.networking.Destination;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.HttpMirrorPolicy;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.HttpRouteDestination;
import dev.meshlet.core.config.networking.RouteDestination;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.Sidecar;
import dev.meshlet.core.config.networking.TcpRoute;
import dev.meshlet.core.config.networking.TlsRoute;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.core.config.security.RootNamespace;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.discovery.store.Registered;
import dev.meshlet.discovery.store.StoreState;
import dev.meshlet.discovery.store.StoredResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent may call, and so what it is sent, as Istio's Sidecar egress scope has it.
 *
 * <p>Without a Sidecar that selects the workload, its scope is its own namespace plus every
 * host its namespace's rules reference (VirtualService hosts and destinations, mirrors,
 * DestinationRule and ServiceEntry hosts). With one, the scope is exactly the Sidecar's egress
 * hosts ({@code ns/host}, with {@code *}, {@code .} for its own namespace, {@code ~} for none),
 * which may narrow or widen it. The root namespace ({@value RootNamespace#DEFAULT}) is mesh-wide
 * and always in scope; so are the Sidecar, PeerAuthentication and AuthorizationPolicy resources
 * of its own namespace, which bear on the workload itself.
 *
 * @param patterns the egress hosts, each a namespace ({@code *} for any) and a host pattern
 */
record AgentScope(String namespace, List<HostPattern> patterns) {

  /** One egress host: services in {@code namespace} (or any, for {@code *}) whose host matches {@code host}. */
  record HostPattern(String namespace, String host) {
    boolean covers(String ns, String fqdn) {
      return (namespace.equals("*") || namespace.equals(ns)) && Hosts.matches(host, fqdn);
    }
  }

  /** The scope of a workload in {@code namespace} with {@code labels} under {@code config}. */
  static AgentScope of(ConfigSnapshot config, String namespace, Map<String, String> labels) {
    Optional<Resource<Sidecar>> sidecar = config.sidecar(namespace, labels);
    Set<HostPattern> patterns = new LinkedHashSet<>();
    if (sidecar.isPresent() && !sidecar.get().spec().egress().isEmpty()) {
      for (Sidecar.IstioEgressListener egress : sidecar.get().spec().egress()) {
        for (String h : egress.hosts()) {
          int slash = h.indexOf('/');
          String ns = slash < 0 ? "*" : h.substring(0, slash);
          String dns = slash < 0 ? h : h.substring(slash + 1);
          if (ns.equals("~")) {
            continue;
          }
          ns = ns.equals(".") ? namespace : ns;
          patterns.add(new HostPattern(ns, dns.equals("*") ? "*" : Hosts.resolve(dns, ns.equals("*") ? namespace : ns)));
        }
      }
    } else {
      patterns.add(new HostPattern(namespace, "*"));
      for (Resource<?> r : config.inNamespace(namespace)) {
        for (String host : referencedHosts(r)) {
          patterns.add(new HostPattern("*", Hosts.resolve(host, namespace)));
        }
      }
    }
    return new AgentScope(namespace, List.copyOf(patterns));
  }

  /** The hosts a resource names: where its rules send traffic, or what it configures. */
  static List<String> referencedHosts(Resource<?> r) {
    List<String> hosts = new ArrayList<>();
    if (r.spec() instanceof VirtualService vs) {
      hosts.addAll(vs.hosts());
      for (HttpRoute route : vs.http()) {
        for (HttpRouteDestination d : route.route()) {
          add(hosts, d.destination());
        }
        add(hosts, route.mirror());
        for (HttpMirrorPolicy m : route.mirrors()) {
          add(hosts, m.destination());
        }
      }
      for (TcpRoute route : vs.tcp()) {
        route.route().forEach(d -> add(hosts, d.destination()));
      }
      for (TlsRoute route : vs.tls()) {
        for (RouteDestination d : route.route()) {
          add(hosts, d.destination());
        }
      }
    } else if (r.spec() instanceof DestinationRule dr && dr.host() != null) {
      hosts.add(dr.host());
    } else if (r.spec() instanceof ServiceEntry se) {
      hosts.addAll(se.hosts());
    }
    return hosts;
  }

  private static void add(List<String> hosts, Destination d) {
    if (d != null && d.host() != null) {
      hosts.add(d.host());
    }
  }

  /** Whether the agent is sent {@code r}. */
  boolean covers(Resource<?> r) {
    String ns = r.namespace();
    if (ns.equals(RootNamespace.DEFAULT)) {
      return true;
    }
    switch (r.kind()) {
      case SIDECAR, PEER_AUTHENTICATION, AUTHORIZATION_POLICY:
        return ns.equals(namespace);
      case WORKLOAD_ENTRY:
        return patterns.stream().anyMatch(p -> p.namespace().equals("*") || p.namespace().equals(ns));
      default:
        for (String host : referencedHostsOfOwnKind(r)) {
          String fqdn = Hosts.resolve(host, ns);
          for (HostPattern p : patterns) {
            if (p.covers(ns, fqdn)) {
              return true;
            }
          }
        }
        return false;
    }
  }

  /** The hosts a resource is about (a VirtualService's hosts, not its destinations). */
  private static List<String> referencedHostsOfOwnKind(Resource<?> r) {
    if (r.spec() instanceof VirtualService vs) {
      return vs.hosts();
    }
    return referencedHosts(r);
  }

  /** Whether the agent is sent the endpoint of {@code w}. */
  boolean covers(WorkloadInstance w) {
    for (HostPattern p : patterns) {
      if (p.covers(w.namespace(), w.host())) {
        return true;
      }
    }
    return false;
  }

  /** The agent's view of {@code state}. */
  AgentView view(StoreState state) {
    Map<ResourceId, StoredResource> resources = new HashMap<>();
    for (Map.Entry<ResourceId, StoredResource> e : state.config().entrySet()) {
      if (covers(e.getValue().resource())) {
        resources.put(e.getKey(), e.getValue());
      }
    }
    Map<String, Registered> endpoints = new HashMap<>();
    for (Registered r : state.registrations().values()) {
      if (covers(r.workload())) {
        endpoints.put(r.leaseId(), r);
      }
    }
    return new AgentView(state.version(), resources, endpoints);
  }

  /** Whether a change to {@code kind} in {@code ns} can change this scope (so a resume must start over). */
  static boolean shapesScope(Kind kind, String ns, String agentNamespace) {
    return (ns.equals(agentNamespace) || ns.equals(RootNamespace.DEFAULT))
        && (kind == Kind.SIDECAR || kind == Kind.VIRTUAL_SERVICE || kind == Kind.DESTINATION_RULE
            || kind == Kind.SERVICE_ENTRY);
  }
}
