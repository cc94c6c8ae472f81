package dev.meshlet.routing.internal;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import dev.meshlet.routing.lb.LoadBalancer;
import dev.meshlet.routing.outlier.OutlierDetector;
import dev.meshlet.routing.policy.DestinationPolicies;
import dev.meshlet.routing.policy.EffectivePolicy;
import dev.meshlet.routing.pool.PoolLimiter;
import dev.meshlet.routing.resolve.Service;
import dev.meshlet.routing.resolve.ServiceDirectory;
import dev.meshlet.routing.route.RouteTable;
import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.tls.client.ClientTls;
import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.tls.client.DestinationTls;
import dev.meshlet.tls.client.TlsUpstream;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.mode.PeerAuthenticationPolicy;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything the request path needs under one config snapshot and one registry, compiled for one
 * caller: the service directory, route tables, merged DestinationRule policies and clusters.
 * Route tables of VirtualService hosts are built here; other tables, policies and clusters the
 * first time they are needed, then kept for the life of the snapshot.
 */
final class CompiledMesh {
  final ConfigSnapshot config;
  final EndpointRegistry registry;
  final ServiceDirectory directory;
  private final MeshContext ctx;
  private final ConcurrentHashMap<String, RouteTable> tables = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DestinationPolicies> policies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ClusterKey, Optional<Cluster>> clusters = new ConcurrentHashMap<>();
  private volatile @Nullable PeerAuthenticationPolicy peerAuthentication;

  CompiledMesh(ConfigSnapshot config, EndpointRegistry registry, MeshContext ctx) {
    this.config = config;
    this.registry = registry;
    this.ctx = ctx;
    this.directory = ServiceDirectory.compile(config, registry, ctx.caller);
    for (String host : config.routedHosts()) {
      tables.put(host, RouteTable.compile(host, config.virtualServices(host), ctx.caller));
    }
  }

  RouteTable table(Service service) {
    RouteTable t = tables.get(service.fqdn());
    return t != null ? t
        : tables.computeIfAbsent(service.fqdn(), h -> RouteTable.compile(h, config.virtualServices(h), ctx.caller));
  }

  private record ClusterKey(String host, @Nullable String subset, int port) {}

  /**
   * The cluster of {@code host}, {@code subset} and {@code port}; null when the host is not a
   * service or its DestinationRule defines no such subset (NC).
   *
   * @throws IllegalArgumentException when the DestinationRule's policy cannot be applied
   */
  @Nullable Cluster cluster(String host, @Nullable String subset, int port) {
    ClusterKey key = new ClusterKey(host, subset, port);
    Optional<Cluster> c = clusters.get(key);
    if (c == null) {
      c = clusters.computeIfAbsent(key, k -> Optional.ofNullable(build(host, subset, port)));
    }
    return c.orElse(null);
  }

  private @Nullable Cluster build(String host, @Nullable String subset, int port) {
    Service service = directory.service(host);
    if (service == null) {
      return null;
    }
    DestinationPolicies p = policies.computeIfAbsent(host, h -> DestinationPolicies.of(
        config.destinationRule(h, ctx.caller.namespace()).map(Resource::spec).orElse(null)));
    EffectivePolicy policy = p.policy(subset, port);
    if (policy == null) {
      return null;
    }
    String name = "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
    List<Endpoint> endpoints = service.endpoints(port);
    if (!policy.subsetLabels().isEmpty()) {
      endpoints = endpoints.stream().filter(e -> e.matches(policy.subsetLabels())).toList();
    }
    DestinationState state = ctx.state(name);
    LoadBalancer balancer = service.originalDestination() || endpoints.isEmpty() ? null
        : state.balancers().create(policy.loadBalancer(), endpoints, policy.localityFailover());
    OutlierDetector outlier = state.outlier(policy.outlier(), endpoints);
    PoolLimiter limiter = state.limiter(policy.pool());
    List<String> peers = new ArrayList<>();
    Map<Endpoint, ClientTls> endpointTls = new HashMap<>();
    ClientTls tls = clientTls(host, subset, port, service, endpoints, peers, endpointTls);
    Cluster cluster = new Cluster(name, service, port, endpoints, policy, balancer, outlier, limiter, state, tls,
        endpointTls, peers);
    state.compiled(cluster);
    return cluster;
  }

  /**
   * The cluster's client TLS: the DestinationRule's {@code tls} for the subset and port, for every
   * endpoint; else auto mTLS, decided per endpoint as Istio does: mesh mTLS toward an endpoint that
   * is a mesh workload (it registered a service account, or carries Istio's tlsMode label) unless
   * the PeerAuthentication of that workload and port is DISABLE, plaintext toward the others. Mesh
   * mTLS expects the endpoints' service accounts (in the service's namespace and this workload's
   * trust domain) as the server's SPIFFE ID. Per-endpoint answers go to {@code endpointTls} only
   * when the endpoints differ; the returned value is the one for every other attempt.
   */
  private ClientTls clientTls(String host, @Nullable String subset, int port, Service service, List<Endpoint> endpoints,
      List<String> peers, Map<Endpoint, ClientTls> endpointTls) {
    ClientTlsFactory factory = ctx.clientTls;
    if (factory == null) {
      return ClientTls.AUTO_PLAINTEXT;
    }
    ClientTlsSettings settings = DestinationTls.settings(
        config.destinationRule(host, ctx.caller.namespace()).map(Resource::spec).orElse(null), subset, port);
    boolean inMesh = !endpoints.isEmpty();
    Set<SpiffeId> accounts = new LinkedHashSet<>();
    Optional<TrustDomain> domain = factory.trustDomain();
    for (Endpoint e : endpoints) {
      inMesh &= TlsUpstream.isMeshEndpoint(e.serviceAccount(), e.labels());
      String sa = e.serviceAccount();
      if (sa != null && !sa.isEmpty()) {
        if (sa.startsWith(SpiffeId.SCHEME_PREFIX)) {
          accounts.add(SpiffeId.parse(sa));
        } else if (domain.isPresent()) {
          accounts.add(new WorkloadIdentity(domain.get(), service.namespace(), sa).spiffeId());
        }
      }
    }
    if (settings != null && !settings.subjectAltNames().isEmpty()) {
      peers.addAll(settings.subjectAltNames());
    } else {
      accounts.forEach(a -> peers.add(a.toString()));
    }
    if (settings != null) {
      TlsUpstream upstream = inMesh ? TlsUpstream.mesh(host, accounts) : new TlsUpstream(host, false, accounts, null);
      return factory.resolve(settings, upstream);
    }
    // Auto mTLS: the cluster-wide answer serves endpoints that all agree (and original destination).
    ClientTls common = null;
    boolean mixed = false;
    for (Endpoint e : endpoints) {
      ClientTls t = factory.resolve(null, autoUpstream(host, service, e, accounts));
      endpointTls.put(e, t);
      mixed |= common != null && !common.equals(t);
      common = common == null ? t : common;
    }
    if (!mixed) {
      endpointTls.clear();
      return common != null ? common : factory.resolve(null, TlsUpstream.external(host));
    }
    return factory.resolve(null, TlsUpstream.external(host));
  }

  /** What auto mTLS knows of one endpoint: in the mesh or not, and its PeerAuthentication mode on its port. */
  private TlsUpstream autoUpstream(String host, Service service, Endpoint e, Set<SpiffeId> accounts) {
    if (!TlsUpstream.isMeshEndpoint(e.serviceAccount(), e.labels())) {
      return TlsUpstream.external(host);
    }
    Mode mode = peerAuthentication().forWorkload(service.namespace(), e.labels()).modeFor(e.port());
    return TlsUpstream.mesh(host, accounts).withServerMode(mode);
  }

  /** The snapshot's PeerAuthentications, indexed the first time a cluster needs them. */
  private PeerAuthenticationPolicy peerAuthentication() {
    PeerAuthenticationPolicy p = peerAuthentication;
    if (p == null) {
      // A race builds it twice at worst: it is immutable and the same either way.
      p = PeerAuthenticationPolicy.compile(config);
      peerAuthentication = p;
    }
    return p;
  }

  /** The DestinationRule in force for {@code host}, for messages. */
  Optional<Resource<DestinationRule>> destinationRule(String host) {
    return config.destinationRule(host, ctx.caller.namespace());
  }
}
