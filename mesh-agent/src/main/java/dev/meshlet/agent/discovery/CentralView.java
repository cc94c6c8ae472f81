package dev.meshlet.agent.discovery;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.List;
import java.util.Objects;

/**
 * Everything the discovery server lets this service see at one version: validated config
 * resources and the registered endpoints of the services in its scope.
 *
 * @param version the server's version of this view
 * @param resources the config resources, each already validated and the whole checked as one batch
 * @param endpoints the registered workloads, each with the lease that keeps it registered
 * @param origin whether it came from the server now or from the disk cache at start
 */
public record CentralView(long version, List<Resource<?>> resources, List<Endpoint> endpoints, Origin origin) {
  /** Where a view came from. */
  public enum Origin {
    /** Pushed by a discovery server on the watch stream. */
    SERVER,
    /** Read from the last acknowledged view on disk because no server answered at start. */
    DISK_CACHE
  }

  public CentralView {
    if (version < 0) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
    }
    resources = List.copyOf(resources);
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(origin, "origin");
  }

  /** The endpoints as registry entries. */
  public List<WorkloadInstance> workloads() {
    return endpoints.stream().map(Endpoint::workload).toList();
  }
}
