package dev.meshlet.routing.policy;

import dev.meshlet.core.config.networking.TrafficPolicy;
import dev.meshlet.core.config.networking.TrafficPolicy.PortTrafficPolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Istio's merge of a DestinationRule's traffic policies for one port (pilot's
 * MergeSubsetTrafficPolicy): the top-level policy, narrowed to its port-level settings for the
 * port; then the subset's policy, whose loadBalancer, connectionPool, outlierDetection and tls
 * each replace the top level's wholesale when set; a subset's port-level settings for the port
 * replace all four, unset ones included. Port-level settings never inherit: what they leave out
 * takes the default, not the enclosing policy's value.
 */
public final class TrafficPolicyMerger {

  private TrafficPolicyMerger() {}

  /**
   * The merged policy, without port-level settings.
   *
   * @param topLevel the rule's {@code trafficPolicy}, or null
   * @param subset the subset's {@code trafficPolicy}, or null (no subset, or none set)
   * @param port the destination port; 0 when unknown (no port-level settings apply)
   * @return the merged policy, or null when neither policy is set
   */
  public static @Nullable TrafficPolicy merge(
      @Nullable TrafficPolicy topLevel, @Nullable TrafficPolicy subset, int port) {
    TrafficPolicy original = forPort(topLevel, port);
    if (subset == null) {
      return original;
    }
    PortTrafficPolicy subsetPort = portLevel(subset, port);
    TrafficPolicy over = forPort(subset, port);
    if (original == null) {
      return over;
    }
    boolean wholesale = subsetPort != null;
    return new TrafficPolicy(
        wholesale || over.loadBalancer() != null ? over.loadBalancer() : original.loadBalancer(),
        wholesale || over.connectionPool() != null ? over.connectionPool() : original.connectionPool(),
        wholesale || over.outlierDetection() != null ? over.outlierDetection() : original.outlierDetection(),
        wholesale || over.tls() != null ? over.tls() : original.tls(),
        List.of(),
        over.tunnel() != null ? over.tunnel() : original.tunnel(),
        over.proxyProtocol() != null ? over.proxyProtocol() : original.proxyProtocol(),
        over.retryBudget() != null ? over.retryBudget() : original.retryBudget());
  }

  /** {@code policy} with its port-level settings for {@code port} in place of its own four. */
  private static @Nullable TrafficPolicy forPort(@Nullable TrafficPolicy policy, int port) {
    if (policy == null) {
      return null;
    }
    PortTrafficPolicy p = portLevel(policy, port);
    if (p == null) {
      return policy.portLevelSettings().isEmpty()
          ? policy
          : new TrafficPolicy(
              policy.loadBalancer(), policy.connectionPool(), policy.outlierDetection(), policy.tls(),
              List.of(), policy.tunnel(), policy.proxyProtocol(), policy.retryBudget());
    }
    return new TrafficPolicy(
        p.loadBalancer(), p.connectionPool(), p.outlierDetection(), p.tls(),
        List.of(), policy.tunnel(), policy.proxyProtocol(), policy.retryBudget());
  }

  private static @Nullable PortTrafficPolicy portLevel(TrafficPolicy policy, int port) {
    if (port <= 0) {
      return null;
    }
    for (PortTrafficPolicy p : policy.portLevelSettings()) {
      if (p.port() != null && p.port().number() != null && p.port().number() == port) {
        return p;
      }
    }
    return null;
  }
}
