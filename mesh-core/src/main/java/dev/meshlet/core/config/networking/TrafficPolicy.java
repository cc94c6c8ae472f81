package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The policies applied to traffic toward a destination: load balancing, connection pool limits,
 * outlier detection, client TLS, per-port overrides, tunneling, PROXY protocol and retry budget.
 */
public record TrafficPolicy(
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable ClientTlsSettings tls,
    List<PortTrafficPolicy> portLevelSettings,
    @Nullable TunnelSettings tunnel,
    @Nullable ProxyProtocol proxyProtocol,
    @Nullable RetryBudget retryBudget) {

  public TrafficPolicy {
    portLevelSettings = Copies.list(portLevelSettings);
  }

  /** Policies for one port of the destination; they override the enclosing policy's. */
  public record PortTrafficPolicy(
      @Nullable PortSelector port,
      @Nullable LoadBalancerSettings loadBalancer,
      @Nullable ConnectionPoolSettings connectionPool,
      @Nullable OutlierDetection outlierDetection,
      @Nullable ClientTlsSettings tls) {}

  /**
   * Tunnels TCP to the destination through a proxy (HTTP CONNECT or POST).
   *
   * @param protocol {@code CONNECT} (default) or {@code POST}
   */
  public record TunnelSettings(
      @Nullable String protocol, @Nullable String targetHost, @Nullable Integer targetPort) {}

  /** Sends the PROXY protocol header to the destination. */
  public record ProxyProtocol(@Nullable Version version) {
    /** The PROXY protocol version. */
    public enum Version {
      V1,
      V2
    }
  }

  /**
   * Caps concurrent retries toward the destination relative to its active requests.
   *
   * @param percent share of active requests that may be retries (Istio: default 20)
   * @param minRetryConcurrency retries always allowed at once (Istio: default 3)
   * @param budgetInterval the window of requests the budget counts; only active ones when absent
   */
  public record RetryBudget(
      @Nullable Double percent, @Nullable Integer minRetryConcurrency, @Nullable Duration budgetInterval) {}
}
