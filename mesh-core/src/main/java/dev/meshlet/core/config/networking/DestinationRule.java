package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's DestinationRule: the policies (load balancing, connection pool, outlier
 * detection, TLS) for traffic to {@code host} after routing, and its named subsets.
 *
 * @param host the service the rule applies to (short name, FQDN or wildcard)
 * @param workloadSelector limits the rule to these workloads; unlike a Sidecar's or a
 *     ServiceEntry's selector it is Istio's {@code istio.type.v1beta1.WorkloadSelector}, written
 *     with {@code matchLabels}
 */
public record DestinationRule(
    @Nullable String host,
    @Nullable TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    @Nullable Selector workloadSelector) {

  public DestinationRule {
    subsets = Copies.list(subsets);
    exportTo = Copies.list(exportTo);
  }

  /** Selects workloads by labels, as Istio's {@code istio.type.v1beta1.WorkloadSelector}. */
  public record Selector(Map<String, String> matchLabels) {
    public Selector {
      matchLabels = Copies.map(matchLabels);
    }
  }
}
