package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import java.util.Map;

/**
 * Istio's {@code istio.type.v1beta1.WorkloadSelector} as the security kinds use it: the workloads
 * (by their labels) a policy applies to. An empty map selects nothing in particular; Istio
 * accepts it with a warning and treats the policy as namespace-wide.
 */
public record WorkloadSelector(Map<String, String> matchLabels) {
  public WorkloadSelector {
    matchLabels = Copies.map(matchLabels);
  }

  public static WorkloadSelector of(Map<String, String> matchLabels) {
    return new WorkloadSelector(matchLabels);
  }

  /** Whether a workload with {@code labels} carries every label of this selector. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
