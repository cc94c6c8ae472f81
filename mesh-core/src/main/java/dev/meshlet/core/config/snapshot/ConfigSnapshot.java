package dev.meshlet.core.config.snapshot;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.Sidecar;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.core.config.networking.WorkloadEntry;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.PeerAuthentication;
import dev.meshlet.core.config.security.RootNamespace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The whole configuration at one version: immutable, and indexed once when it is built for the
 * lookups the data plane makes, so no request ever scans or builds a map.
 *
 * <p>Ordering follows Istio where it matters: among resources that claim the same host, the
 * one Istio would pick first (the oldest; here, as no creation time exists, by namespace and
 * name) comes first.
 */
public final class ConfigSnapshot {
  private static final ConfigSnapshot EMPTY = new ConfigSnapshot(0, List.of());

  private final long version;
  private final SortedMap<ResourceId, Resource<?>> byId;
  private final Map<Kind, List<Resource<?>>> byKind;
  private final Map<String, List<Resource<?>>> byNamespace;
  private final Map<String, List<Resource<VirtualService>>> virtualServicesByHost;
  private final List<Resource<VirtualService>> wildcardVirtualServices;
  private final Map<String, List<Resource<DestinationRule>>> destinationRulesByHost;
  private final List<Resource<DestinationRule>> wildcardDestinationRules;
  private final Map<String, List<Resource<ServiceEntry>>> serviceEntriesByHost;

  private ConfigSnapshot(long version, Collection<Resource<?>> resources) {
    this.version = version;
    SortedMap<ResourceId, Resource<?>> ids = new TreeMap<>();
    for (Resource<?> r : resources) {
      if (ids.put(r.id(), r) != null) {
        throw new IllegalArgumentException(r.id() + " appears twice");
      }
    }
    this.byId = java.util.Collections.unmodifiableSortedMap(ids);
    Map<Kind, List<Resource<?>>> kinds = new EnumMap<>(Kind.class);
    Map<String, List<Resource<?>>> namespaces = new HashMap<>();
    Map<String, List<Resource<VirtualService>>> vsByHost = new LinkedHashMap<>();
    List<Resource<VirtualService>> vsWildcards = new ArrayList<>();
    Map<String, List<Resource<DestinationRule>>> drByHost = new LinkedHashMap<>();
    List<Resource<DestinationRule>> drWildcards = new ArrayList<>();
    Map<String, List<Resource<ServiceEntry>>> seByHost = new LinkedHashMap<>();
    for (Resource<?> r : ids.values()) {
      kinds.computeIfAbsent(r.kind(), k -> new ArrayList<>()).add(r);
      namespaces.computeIfAbsent(r.namespace(), k -> new ArrayList<>()).add(r);
      switch (r.kind()) {
        case VIRTUAL_SERVICE -> {
          Resource<VirtualService> vs = r.as(VirtualService.class);
          for (String host : vs.spec().hosts()) {
            String fqdn = Hosts.resolve(host, r.namespace());
            if (fqdn.startsWith("*")) {
              vsWildcards.add(vs);
            } else {
              vsByHost.computeIfAbsent(fqdn, k -> new ArrayList<>()).add(vs);
            }
          }
        }
        case DESTINATION_RULE -> {
          Resource<DestinationRule> dr = r.as(DestinationRule.class);
          String host = dr.spec().host();
          if (host != null) {
            String fqdn = Hosts.resolve(host, r.namespace());
            if (fqdn.startsWith("*")) {
              drWildcards.add(dr);
            } else {
              drByHost.computeIfAbsent(fqdn, k -> new ArrayList<>()).add(dr);
            }
          }
        }
        case SERVICE_ENTRY -> {
          Resource<ServiceEntry> se = r.as(ServiceEntry.class);
          for (String host : se.spec().hosts()) {
            seByHost.computeIfAbsent(Hosts.resolve(host, r.namespace()), k -> new ArrayList<>()).add(se);
          }
        }
        default -> {}
      }
    }
    this.byKind = freeze(kinds);
    this.byNamespace = freeze(namespaces);
    this.virtualServicesByHost = freeze(vsByHost);
    this.wildcardVirtualServices = List.copyOf(vsWildcards);
    this.destinationRulesByHost = freeze(drByHost);
    this.wildcardDestinationRules = List.copyOf(drWildcards);
    this.serviceEntriesByHost = freeze(seByHost);
  }

  private static <K, V> Map<K, List<V>> freeze(Map<K, List<V>> m) {
    Map<K, List<V>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Map.copyOf(out);
  }

  /** The snapshot before any config arrived: version 0, nothing in it. */
  public static ConfigSnapshot empty() {
    return EMPTY;
  }

  /**
   * A snapshot of {@code resources} at {@code version}.
   *
   * @throws IllegalArgumentException when two resources have the same kind, namespace and name
   */
  public static ConfigSnapshot of(long version, Collection<? extends Resource<?>> resources) {
    return new ConfigSnapshot(version, List.copyOf(resources));
  }

  /** A monotonic version; a newer snapshot from the same source has a larger one. */
  public long version() {
    return version;
  }

  /** Every resource, ordered by kind, namespace and name. */
  public Collection<Resource<?>> resources() {
    return byId.values();
  }

  public int size() {
    return byId.size();
  }

  public Optional<Resource<?>> get(ResourceId id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every resource of {@code kind}, ordered by namespace and name. */
  @SuppressWarnings("unchecked")
  public <S> List<Resource<S>> all(Kind kind, Class<S> spec) {
    if (kind.specType() != spec) {
      throw new IllegalArgumentException(kind + " has a " + kind.specType().getSimpleName() + " spec");
    }
    List<?> list = byKind.getOrDefault(kind, List.of());
    return (List<Resource<S>>) list;
  }

  /** Every resource in {@code namespace}. */
  public List<Resource<?>> inNamespace(String namespace) {
    return byNamespace.getOrDefault(namespace, List.of());
  }

  /**
   * The VirtualServices that route {@code fqdn}: those naming it exactly first, then those whose
   * wildcard host covers it (Istio prefers the most specific).
   */
  public List<Resource<VirtualService>> virtualServices(String fqdn) {
    List<Resource<VirtualService>> exact = virtualServicesByHost.getOrDefault(fqdn, List.of());
    if (wildcardVirtualServices.isEmpty()) {
      return exact;
    }
    List<Resource<VirtualService>> out = new ArrayList<>(exact);
    wildcardVirtualServices.stream()
        .filter(vs -> vs.spec().hosts().stream().anyMatch(h -> Hosts.matches(Hosts.resolve(h, vs.namespace()), fqdn)))
        .sorted(Comparator.comparingInt(vs -> -longestWildcard(vs.spec().hosts(), vs.namespace(), fqdn)))
        .forEach(out::add);
    return out;
  }

  /** The hosts that some VirtualService names exactly (fully qualified). */
  public Collection<String> routedHosts() {
    return virtualServicesByHost.keySet();
  }

  /**
   * The DestinationRule that applies to calls from {@code clientNamespace} to {@code fqdn}, as
   * Istio picks it: one in the client's namespace, else one in the service's namespace, else one
   * in the root namespace; within each, an exact host before the most specific wildcard.
   */
  public Optional<Resource<DestinationRule>> destinationRule(String fqdn, String clientNamespace) {
    List<Resource<DestinationRule>> candidates = new ArrayList<>(destinationRulesByHost.getOrDefault(fqdn, List.of()));
    wildcardDestinationRules.stream()
        .filter(dr -> Hosts.matches(Hosts.resolve(dr.spec().host(), dr.namespace()), fqdn))
        .sorted(Comparator.comparingInt(dr -> -Hosts.resolve(dr.spec().host(), dr.namespace()).length()))
        .forEach(candidates::add);
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    String serviceNamespace = Hosts.namespaceOf(fqdn);
    for (String ns : new String[] {clientNamespace, serviceNamespace, RootNamespace.DEFAULT}) {
      if (ns == null) {
        continue;
      }
      for (Resource<DestinationRule> dr : candidates) {
        if (dr.namespace().equals(ns)) {
          return Optional.of(dr);
        }
      }
    }
    return Optional.of(candidates.get(0));
  }

  /** The ServiceEntries that declare {@code fqdn}. */
  public List<Resource<ServiceEntry>> serviceEntries(String fqdn) {
    return serviceEntriesByHost.getOrDefault(fqdn, List.of());
  }

  public List<Resource<WorkloadEntry>> workloadEntries() {
    return all(Kind.WORKLOAD_ENTRY, WorkloadEntry.class);
  }

  /**
   * The Sidecar that applies to a workload, as Istio picks it: one in its namespace whose
   * selector matches its labels, else the namespace's one without a selector, else the root
   * namespace's one without a selector.
   */
  public Optional<Resource<Sidecar>> sidecar(String namespace, Map<String, String> labels) {
    Resource<Sidecar> namespaceWide = null;
    for (Resource<?> r : inNamespace(namespace)) {
      if (r.kind() != Kind.SIDECAR) {
        continue;
      }
      Resource<Sidecar> sc = r.as(Sidecar.class);
      if (sc.spec().workloadSelector() == null) {
        namespaceWide = namespaceWide == null ? sc : namespaceWide;
      } else if (selects(sc.spec().workloadSelector().labels(), labels)) {
        return Optional.of(sc);
      }
    }
    if (namespaceWide != null) {
      return Optional.of(namespaceWide);
    }
    return inNamespace(RootNamespace.DEFAULT).stream()
        .filter(r -> r.kind() == Kind.SIDECAR)
        .map(r -> r.as(Sidecar.class))
        .filter(sc -> sc.spec().workloadSelector() == null)
        .findFirst();
  }

  /**
   * The PeerAuthentications that bear on a workload, broadest first: mesh-wide (root namespace,
   * no selector), namespace-wide, then those whose selector matches its labels.
   */
  public List<Resource<PeerAuthentication>> peerAuthentications(String namespace, Map<String, String> labels) {
    List<Resource<PeerAuthentication>> mesh = new ArrayList<>();
    List<Resource<PeerAuthentication>> ns = new ArrayList<>();
    List<Resource<PeerAuthentication>> workload = new ArrayList<>();
    for (Resource<PeerAuthentication> pa : all(Kind.PEER_AUTHENTICATION, PeerAuthentication.class)) {
      boolean inRoot = pa.namespace().equals(RootNamespace.DEFAULT);
      var selector = pa.spec().selector();
      if (selector == null) {
        if (pa.namespace().equals(namespace)) {
          ns.add(pa);
        } else if (inRoot) {
          mesh.add(pa);
        }
      } else if (pa.namespace().equals(namespace) && selects(selector.matchLabels(), labels)) {
        workload.add(pa);
      }
    }
    List<Resource<PeerAuthentication>> out = new ArrayList<>(mesh);
    out.addAll(ns);
    out.addAll(workload);
    return out;
  }

  /**
   * The AuthorizationPolicies that apply to a workload: those in the root namespace and in its
   * own namespace whose selector is absent or matches its labels.
   */
  public List<Resource<AuthorizationPolicy>> authorizationPolicies(String namespace, Map<String, String> labels) {
    List<Resource<AuthorizationPolicy>> out = new ArrayList<>();
    for (Resource<AuthorizationPolicy> ap : all(Kind.AUTHORIZATION_POLICY, AuthorizationPolicy.class)) {
      boolean scoped = ap.namespace().equals(namespace) || ap.namespace().equals(RootNamespace.DEFAULT);
      var selector = ap.spec().selector();
      if (scoped && (selector == null || selects(selector.matchLabels(), labels))) {
        out.add(ap);
      }
    }
    return out;
  }

  private static boolean selects(@Nullable Map<String, String> selector, Map<String, String> labels) {
    return selector == null || labels.entrySet().containsAll(selector.entrySet());
  }

  private static int longestWildcard(List<String> hosts, String namespace, String fqdn) {
    int best = 0;
    for (String h : hosts) {
      String r = Hosts.resolve(h, namespace);
      if (Hosts.matches(r, fqdn)) {
        best = Math.max(best, r.length());
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return "ConfigSnapshot{version=" + version + ", resources=" + byId.size() + "}";
  }
}
