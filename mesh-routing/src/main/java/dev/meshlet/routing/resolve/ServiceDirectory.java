package dev.meshlet.routing.resolve;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.Sidecar;
import dev.meshlet.core.config.networking.WorkloadEntry;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What services one caller can reach under one config snapshot and one registry: the registry's
 * services, the hosts of ServiceEntries (with their inline endpoints or the WorkloadEntries they
 * select) and hosts VirtualServices route; narrowed by the caller's Sidecar egress hosts. Built
 * once per snapshot; {@link #resolve} caches what it worked out per authority.
 */
public final class ServiceDirectory {
  private static final int CACHE_LIMIT = 4096;

  private final ConfigSnapshot config;
  private final EndpointRegistry registry;
  private final CallerIdentity caller;
  private final Map<String, Service> services;
  private final List<Resource<ServiceEntry>> wildcardEntries;
  private final @Nullable Resource<Sidecar> sidecar;
  private final boolean registryOnly;
  private final List<String[]> egressHosts;
  private final ConcurrentHashMap<String, Optional<Service>> byAuthority = new ConcurrentHashMap<>();

  private ServiceDirectory(ConfigSnapshot config, EndpointRegistry registry, CallerIdentity caller) {
    this.config = config;
    this.registry = registry;
    this.caller = caller;
    Map<String, Service> out = new HashMap<>();
    List<Resource<ServiceEntry>> wildcards = new ArrayList<>();
    for (Resource<ServiceEntry> se : config.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      for (String host : se.spec().hosts()) {
        String fqdn = Hosts.resolve(host, se.namespace());
        if (fqdn.startsWith("*")) {
          wildcards.add(se);
        } else {
          out.putIfAbsent(fqdn, fromEntry(fqdn, se));
        }
      }
    }
    for (String fqdn : registry.hosts()) {
      out.put(fqdn, fromRegistry(fqdn));
    }
    this.services = Map.copyOf(out);
    this.wildcardEntries = List.copyOf(wildcards);
    this.sidecar = config.sidecar(caller.namespace(), caller.labels()).orElse(null);
    Sidecar.OutboundTrafficPolicy otp = sidecar == null ? null : sidecar.spec().outboundTrafficPolicy();
    this.registryOnly = otp != null && otp.mode() == Sidecar.OutboundTrafficPolicy.Mode.REGISTRY_ONLY;
    List<String[]> egress = new ArrayList<>();
    if (sidecar != null) {
      for (Sidecar.IstioEgressListener l : sidecar.spec().egress()) {
        for (String h : l.hosts()) {
          int slash = h.indexOf('/');
          String ns = slash < 0 ? "*" : h.substring(0, slash);
          egress.add(new String[] {ns.equals(".") ? sidecar.namespace() : ns, h.substring(slash + 1).toLowerCase()});
        }
      }
    }
    this.egressHosts = List.copyOf(egress);
  }

  /** The directory of what {@code caller} can reach. */
  public static ServiceDirectory compile(ConfigSnapshot config, EndpointRegistry registry, CallerIdentity caller) {
    return new ServiceDirectory(config, registry, caller);
  }

  private Service fromRegistry(String fqdn) {
    String ns = Hosts.namespaceOf(fqdn);
    Map<Integer, List<Endpoint>> byPort = new LinkedHashMap<>();
    for (int port : registry.ports(fqdn)) {
      byPort.put(port, registry.endpoints(fqdn, port));
    }
    return new Service(fqdn, ns == null ? caller.namespace() : ns, registry.endpoints(fqdn), byPort, false);
  }

  private Service fromEntry(String fqdn, Resource<ServiceEntry> se) {
    ServiceEntry spec = se.spec();
    List<WorkloadEntry> workloads = new ArrayList<>(spec.endpoints());
    if (spec.workloadSelector() != null) {
      Map<String, String> selector = spec.workloadSelector().labels();
      for (Resource<WorkloadEntry> we : config.workloadEntries()) {
        if (we.namespace().equals(se.namespace()) && we.spec().labels().entrySet().containsAll(selector.entrySet())) {
          workloads.add(we.spec());
        }
      }
    }
    ServiceEntry.Resolution res = spec.resolution() == null ? ServiceEntry.Resolution.NONE : spec.resolution();
    Map<Integer, List<Endpoint>> byPort = new LinkedHashMap<>();
    List<Endpoint> primary = new ArrayList<>();
    boolean dns = res == ServiceEntry.Resolution.DNS || res == ServiceEntry.Resolution.DNS_ROUND_ROBIN;
    for (ServiceEntry.ServicePort p : spec.ports()) {
      if (p.number() == null) {
        continue;
      }
      int servicePort = p.number();
      int defaultTarget = p.targetPort() != null ? p.targetPort() : servicePort;
      List<Endpoint> eps = new ArrayList<>();
      for (WorkloadEntry we : workloads) {
        if (we.address() == null) {
          continue;
        }
        Integer mapped = p.name() == null ? null : we.ports().get(p.name());
        int target = mapped != null ? mapped : defaultTarget;
        int weight = we.weight() == null || we.weight() < 1 ? 1 : we.weight();
        eps.add(new Endpoint(we.address(), target, we.labels(), we.locality(), weight, we.serviceAccount()));
      }
      if (eps.isEmpty() && dns) {
        eps.add(new Endpoint(fqdn, defaultTarget, Map.of(), null, 1, null));
      }
      byPort.put(servicePort, List.copyOf(eps));
      if (primary.isEmpty()) {
        primary.addAll(eps);
      }
    }
    boolean original = res == ServiceEntry.Resolution.NONE && workloads.isEmpty()
        || res == ServiceEntry.Resolution.DYNAMIC_DNS
        || primary.isEmpty() && byPort.isEmpty();
    return new Service(fqdn, se.namespace(), primary, byPort, original);
  }

  /**
   * The service {@code authority} names for this caller, trying the names its namespace's DNS
   * search path would ({@code reviews}, {@code reviews.default}, the FQDN); null when the host is
   * not one the mesh knows or the caller's Sidecar hides it.
   */
  public @Nullable Service resolve(String authority) {
    Optional<Service> hit = byAuthority.get(authority);
    if (hit == null) {
      hit = Optional.ofNullable(lookup(authority));
      if (byAuthority.size() < CACHE_LIMIT) {
        byAuthority.putIfAbsent(authority, hit);
      }
    }
    return hit.orElse(null);
  }

  /** The service named by an FQDN (a destination's host, resolved in its VirtualService's namespace), or null. */
  public @Nullable Service service(String fqdn) {
    Service s = services.get(fqdn);
    if (s == null) {
      s = wildcard(fqdn);
    }
    if (s == null && !config.virtualServices(fqdn).isEmpty()) {
      s = routedOnly(fqdn);
    }
    return s;
  }

  private @Nullable Service lookup(String authority) {
    for (String candidate : Hosts.candidates(authority, caller.namespace())) {
      Service s = service(candidate);
      if (s != null) {
        return visible(s) ? s : null;
      }
    }
    return null;
  }

  /** A host only a VirtualService names: it can be routed, but has no endpoint of its own. */
  private Service routedOnly(String fqdn) {
    String ns = Hosts.namespaceOf(fqdn);
    return new Service(fqdn, ns == null ? caller.namespace() : ns, List.of(), Map.of(), false);
  }

  private @Nullable Service wildcard(String fqdn) {
    for (Resource<ServiceEntry> se : wildcardEntries) {
      for (String host : se.spec().hosts()) {
        if (Hosts.matches(Hosts.resolve(host, se.namespace()), fqdn)) {
          return new Service(fqdn, se.namespace(), List.of(), Map.of(), true);
        }
      }
    }
    return null;
  }

  private boolean visible(Service s) {
    if (egressHosts.isEmpty()) {
      return true;
    }
    for (String[] e : egressHosts) {
      boolean nsOk = e[0].equals("*") || e[0].equals(s.namespace());
      if (nsOk && Hosts.matches(e[1], s.fqdn())) {
        return true;
      }
    }
    return false;
  }

  /** Whether the caller's Sidecar says {@code REGISTRY_ONLY}: unknown hosts must fail. */
  public boolean registryOnly() {
    return registryOnly;
  }

  /** {@code Sidecar namespace/name}, the rule that decides outbound policy, or null when none applies. */
  public @Nullable String sidecarName() {
    return sidecar == null ? null : "Sidecar " + sidecar.namespace() + "/" + sidecar.name();
  }
}
