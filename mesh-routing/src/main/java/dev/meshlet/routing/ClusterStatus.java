package dev.meshlet.routing;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.outlier.EndpointHealth;
import dev.meshlet.routing.pool.PoolStats;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one outbound cluster ({@code outbound|port|subset|host}, Envoy's name) looks like now: its
 * endpoints with their load-balancer and outlier state, its policy and its pool usage. A read-only
 * copy for the admin {@code /clusters} view; taking it allocates, so it is not for the request path.
 *
 * @param name Envoy's cluster name
 * @param host the service's FQDN
 * @param subset the DestinationRule subset, or null
 * @param loadBalancer the algorithm in force ({@code LEAST_REQUEST} when the rules are silent)
 * @param tls how attempts connect: {@code DISABLE}, {@code SIMPLE}, {@code MUTUAL} or {@code ISTIO_MUTUAL}
 * @param outlierDetection whether outlier detection is on
 * @param panic whether too few endpoints are healthy, so every endpoint may be picked (Envoy's panic mode)
 * @param pool requests, connections, retries in use and overflows so far
 */
public record ClusterStatus(
    String name,
    String host,
    int port,
    @Nullable String subset,
    String loadBalancer,
    String tls,
    boolean outlierDetection,
    boolean panic,
    PoolStats pool,
    List<EndpointStatus> endpoints) {

  public ClusterStatus {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * One endpoint of a cluster.
   *
   * @param activeRequests the requests in flight to it (what LEAST_REQUEST compares)
   * @param health its outlier detection state; null when outlier detection is off
   */
  public record EndpointStatus(Endpoint endpoint, int activeRequests, @Nullable EndpointHealth health) {

    /** Envoy's {@code health_flags}: {@code healthy}, or {@code /failed_outlier_check} when ejected. */
    public String healthFlags() {
      return health != null && health.ejected() ? "/failed_outlier_check" : "healthy";
    }

    public int weight() {
      return endpoint.weight();
    }

    public Map<String, String> labels() {
      return endpoint.labels();
    }
  }
}
