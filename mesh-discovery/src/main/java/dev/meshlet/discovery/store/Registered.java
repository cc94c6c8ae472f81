package dev.meshlet.discovery.store;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Objects;

/** A stored registration: the workload, its lease and the version that registered it. */
public record Registered(String leaseId, String name, WorkloadInstance workload, long ttlSeconds, long modVersion) {
  public Registered {
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workload, "workload");
  }
}
