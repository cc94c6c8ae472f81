package dev.meshlet.agent.config;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One update from the discovery server: a complete state of what it sends, not a delta (a
 * source that receives deltas applies them to its own copy and hands over the result).
 *
 * @param version the server's version of this state, echoed in the answer
 * @param resources every CENTRAL resource in force, or null when they did not change
 * @param endpoints every workload instance the server knows, or null when they did not change
 */
public record DiscoveryUpdate(
    String version, @Nullable List<Resource<?>> resources, @Nullable List<WorkloadInstance> endpoints) {
  public DiscoveryUpdate {
    Objects.requireNonNull(version, "version");
    resources = resources == null ? null : List.copyOf(resources);
    endpoints = endpoints == null ? null : List.copyOf(endpoints);
  }
}
