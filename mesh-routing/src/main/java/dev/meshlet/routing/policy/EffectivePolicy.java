package dev.meshlet.routing.policy;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings;
import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.core.config.networking.OutlierDetection;
import dev.meshlet.core.config.networking.TrafficPolicy;
import dev.meshlet.core.config.networking.TrafficPolicy.ProxyProtocol;
import dev.meshlet.core.config.networking.TrafficPolicy.RetryBudget;
import dev.meshlet.core.config.networking.TrafficPolicy.TunnelSettings;
import dev.meshlet.routing.outlier.OutlierConfig;
import dev.meshlet.routing.pool.PoolConfig;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The policy in force for one destination (host, subset, port) after Istio's merge, with
 * Istio's defaults resolved where the rules are silent. Immutable; compiled once per snapshot.
 *
 * @param subsetLabels the labels that select the subset's endpoints; empty for no subset
 * @param loadBalancer the merged settings; null means Istio's default, LEAST_REQUEST (which
 *     {@link dev.meshlet.routing.lb.LoadBalancerFactory} applies)
 * @param connectionPool the merged settings as written, or null
 * @param outlierDetection the merged settings as written; null means no outlier detection
 * @param tls the client TLS settings, or null (the integrator applies auto mTLS)
 * @param pool the connection pool limits with Istio's defaults (unlimited when absent)
 * @param outlier the outlier detection config with Istio's defaults; null when off
 */
public record EffectivePolicy(
    Map<String, String> subsetLabels,
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable ClientTlsSettings tls,
    @Nullable TunnelSettings tunnel,
    @Nullable ProxyProtocol proxyProtocol,
    @Nullable RetryBudget retryBudget,
    PoolConfig pool,
    @Nullable OutlierConfig outlier) {

  /** The policy of a destination no DestinationRule covers: every default. */
  public static final EffectivePolicy DEFAULT =
      new EffectivePolicy(Map.of(), null, null, null, null, null, null, null, PoolConfig.ofDefaults(), null);

  public EffectivePolicy {
    subsetLabels = Map.copyOf(subsetLabels);
    Objects.requireNonNull(pool, "pool");
  }

  /** Resolves a merged {@link TrafficPolicy} (null: none) into an effective policy. */
  public static EffectivePolicy of(Map<String, String> subsetLabels, @Nullable TrafficPolicy merged) {
    if (merged == null) {
      return subsetLabels.isEmpty()
          ? DEFAULT
          : new EffectivePolicy(subsetLabels, null, null, null, null, null, null, null, PoolConfig.ofDefaults(), null);
    }
    return new EffectivePolicy(
        subsetLabels,
        merged.loadBalancer(),
        merged.connectionPool(),
        merged.outlierDetection(),
        merged.tls(),
        merged.tunnel(),
        merged.proxyProtocol(),
        merged.retryBudget(),
        PoolConfig.of(merged.connectionPool()),
        merged.outlierDetection() == null ? null : OutlierConfig.of(merged.outlierDetection()));
  }

  /**
   * Whether the load balancer prioritizes endpoints by locality: Istio does so only when
   * outlier detection is on (to pass to {@link dev.meshlet.routing.lb.LoadBalancerFactory}).
   */
  public boolean localityFailover() {
    return outlier != null;
  }
}
