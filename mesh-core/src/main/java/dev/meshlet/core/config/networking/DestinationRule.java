package dev.meshlet.core.config.networking;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's DestinationRule: the policies (load balancing, connection pool, outlier
 * detection, TLS) for traffic to {@code host} after routing, and its named subsets.
 *
 * @param host the service the rule applies to (short name, FQDN or wildcard)
 * @param workloadSelector limits the rule to these workloads (Istio: needs namespace scope)
 */
public record DestinationRule(
    @Nullable String host,
    @Nullable TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    @Nullable WorkloadSelector workloadSelector) {

  public DestinationRule {
    subsets = Copies.list(subsets);
    exportTo = Copies.list(exportTo);
  }
}
