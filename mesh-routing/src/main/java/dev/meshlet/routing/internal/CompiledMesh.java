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
import java.util.List;
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
    return new Cluster(name, service, port, endpoints, policy, balancer, outlier, limiter, state);
  }

  /** The DestinationRule in force for {@code host}, for messages. */
  Optional<Resource<DestinationRule>> destinationRule(String host) {
    return config.destinationRule(host, ctx.caller.namespace());
  }
}
