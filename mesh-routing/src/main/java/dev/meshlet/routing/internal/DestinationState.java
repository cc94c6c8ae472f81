package dev.meshlet.routing.internal;

import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.routing.ClusterStatus;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.outlier.EndpointHealth;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.lb.ActiveRequests;
import dev.meshlet.routing.lb.LoadBalancerFactory;
import dev.meshlet.routing.outlier.OutlierConfig;
import dev.meshlet.routing.outlier.OutlierDetector;
import dev.meshlet.routing.pool.PoolConfig;
import dev.meshlet.routing.pool.PoolLimiter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What one destination ({@code outbound|port|subset|host}) keeps across snapshots: requests in
 * flight per endpoint (LEAST_REQUEST reads them), outlier detection state and the connection pool
 * limiter. A new snapshot reconfigures them; it does not reset them unless their config changed.
 */
final class DestinationState {
  private final String name;
  private final Clock clock;
  private final MeshCallListener listener;
  private final LoadBalancerFactory balancers;
  private final AtomicLong nextSweep = new AtomicLong();
  private @Nullable OutlierDetector outlier;
  private @Nullable PoolLimiter limiter;
  /** The cluster last compiled for this destination, for the admin view; outlives snapshots as this state does. */
  private volatile @Nullable Cluster last;

  DestinationState(String name, Clock clock, RandomGenerator random, @Nullable String locality,
      MeshCallListener listener) {
    this.name = name;
    this.clock = clock;
    this.listener = listener;
    this.balancers = new LoadBalancerFactory(random, new ActiveRequests(), locality);
  }

  LoadBalancerFactory balancers() {
    return balancers;
  }

  /** The outlier detector for {@code config} over {@code endpoints}; the same one while the config stays. */
  synchronized @Nullable OutlierDetector outlier(@Nullable OutlierConfig config, List<Endpoint> endpoints) {
    if (config == null) {
      outlier = null;
      return null;
    }
    if (outlier == null || !outlier.config().equals(config)) {
      outlier = new OutlierDetector(config, clock, event -> {
        try {
          listener.onOutlierEvent(name, event);
        } catch (RuntimeException ignored) {
          // Telemetry must never fail a call.
        }
      });
      nextSweep.set(clock.millis() + config.interval().toMillis());
    }
    outlier.setEndpoints(endpoints);
    balancers.activeRequests().retainOnly(endpoints);
    return outlier;
  }

  synchronized PoolLimiter limiter(PoolConfig config) {
    limiter = limiter == null ? new PoolLimiter(name, config) : limiter.reconfigure(config);
    return limiter;
  }

  void compiled(Cluster cluster) {
    last = cluster;
  }

  /** What this destination looks like now, from the cluster last compiled for it; null before any. */
  @Nullable ClusterStatus status() {
    Cluster c = last;
    if (c == null) {
      return null;
    }
    OutlierDetector detector = c.outlier;
    Map<Endpoint, EndpointHealth> health = new HashMap<>();
    if (detector != null) {
      for (EndpointHealth h : detector.health()) {
        health.put(h.endpoint(), h);
      }
    }
    List<ClusterStatus.EndpointStatus> endpoints = new ArrayList<>();
    for (Endpoint e : c.endpoints) {
      endpoints.add(new ClusterStatus.EndpointStatus(e, balancers.activeRequests().count(e), health.get(e)));
    }
    LoadBalancerSettings lb = c.policy.loadBalancer();
    String algorithm = lb == null ? "LEAST_REQUEST"
        : lb.simple() != null ? lb.simple().name()
        : lb.consistentHash() != null ? "CONSISTENT_HASH" : "LEAST_REQUEST";
    String[] parts = name.split("\\|", 4);
    return new ClusterStatus(name, c.service.fqdn(), c.port, parts.length == 4 && !parts[2].isEmpty() ? parts[2] : null,
        algorithm, c.tls.mode().name(), detector != null, detector != null && detector.isPanic(), c.limiter.stats(),
        endpoints);
  }

  /** Runs the detector's periodic sweep when its interval has passed; called from the request path, no timer needed. */
  void maybeSweep(OutlierDetector detector) {
    long due = nextSweep.get();
    long now = clock.millis();
    if (now >= due && nextSweep.compareAndSet(due, now + detector.config().interval().toMillis())) {
      detector.sweep();
    }
  }
}
