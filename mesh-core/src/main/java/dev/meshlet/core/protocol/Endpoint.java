package dev.meshlet.core.protocol;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Objects;

/**
 * One registered workload as the watch stream carries it.
 *
 * @param id the lease that keeps it registered; a removal names it
 * @param workload the instance: service, namespace, address, ports, labels, identity
 */
public record Endpoint(String id, WorkloadInstance workload) {
  public Endpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workload, "workload");
  }
}
