package dev.meshlet.routing.internal;

import dev.meshlet.tls.client.ClientTls;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.lb.LoadBalancer;
import dev.meshlet.routing.outlier.OutlierDetector;
import dev.meshlet.routing.policy.EffectivePolicy;
import dev.meshlet.routing.pool.PoolLimiter;
import dev.meshlet.routing.resolve.Service;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Where a route destination goes under one snapshot (Envoy's cluster): a service's endpoints on
 * one port, narrowed to a subset, with the merged DestinationRule policy, its load balancer, and
 * the long-lived outlier detector and pool limiter of the destination.
 */
final class Cluster {
  final String name;
  final Service service;
  final int port;
  final List<Endpoint> endpoints;
  final EffectivePolicy policy;
  final @Nullable LoadBalancer balancer;
  final @Nullable OutlierDetector outlier;
  final PoolLimiter limiter;
  final DestinationState state;
  /**
   * How attempts connect, decided once per snapshot (plaintext without a client TLS factory): for
   * every endpoint, unless {@link #endpointTls} decides otherwise, and for original-destination
   * clusters, which have no endpoints.
   */
  final ClientTls tls;
  /**
   * Auto mTLS decides per endpoint, as Istio does: set only when the endpoints differ (some in
   * the mesh, some not, or some whose PeerAuthentication is DISABLE); empty when all share {@link #tls}.
   */
  private final Map<Endpoint, ClientTls> endpointTls;
  /** Per endpoint, what its tries reuse (see {@link EndpointUrls}); bounded by the endpoints. */
  private final ConcurrentHashMap<Endpoint, EndpointUrls> dialing = new ConcurrentHashMap<>();
  /** The SPIFFE IDs the server may present under mesh mTLS, for messages; empty: any of the trust domain. */
  final List<String> allowedPeers;

  Cluster(String name, Service service, int port, List<Endpoint> endpoints, EffectivePolicy policy,
      @Nullable LoadBalancer balancer, @Nullable OutlierDetector outlier, PoolLimiter limiter, DestinationState state,
      ClientTls tls, Map<Endpoint, ClientTls> endpointTls, List<String> allowedPeers) {
    this.name = name;
    this.service = service;
    this.port = port;
    this.endpoints = List.copyOf(endpoints);
    this.policy = policy;
    this.balancer = balancer;
    this.outlier = outlier;
    this.limiter = limiter;
    this.state = state;
    this.tls = tls;
    this.endpointTls = Map.copyOf(endpointTls);
    this.allowedPeers = List.copyOf(allowedPeers);
  }

  /** How an attempt to {@code endpoint} connects (null: original destination, no endpoint). */
  ClientTls tls(@Nullable Endpoint endpoint) {
    if (endpoint == null || endpointTls.isEmpty()) {
      return tls;
    }
    ClientTls t = endpointTls.get(endpoint);
    return t == null ? tls : t;
  }

  /**
   * What tries to {@code endpoint} reuse: the URLs they dial (its host and port, over https for a
   * TLS cluster; a plaintext one keeps the application's scheme) and its {@code address:port}.
   */
  EndpointUrls urls(Endpoint endpoint) {
    EndpointUrls urls = dialing.get(endpoint);
    if (urls == null) {
      urls = new EndpointUrls(endpoint);
      if (dialing.size() < endpoints.size()) {
        EndpointUrls raced = dialing.putIfAbsent(endpoint, urls);
        urls = raced == null ? urls : raced;
      }
    }
    return urls;
  }

  String name() {
    return name;
  }

  Service service() {
    return service;
  }
}
