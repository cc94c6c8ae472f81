package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's WorkloadEntry: one workload outside the platform (a VM, a process) with
 * its address and labels; also the form of a ServiceEntry's endpoints.
 *
 * @param address an IP, a hostname, or a Unix socket ({@code unix:///path})
 * @param ports port name (of the service) to the workload's port number
 * @param locality {@code region/zone/subzone}
 * @param weight the endpoint's load-balancing weight
 */
public record WorkloadEntry(
    @Nullable String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    @Nullable String network,
    @Nullable String locality,
    @Nullable Integer weight,
    @Nullable String serviceAccount) {

  public WorkloadEntry {
    ports = Copies.map(ports);
    labels = Copies.map(labels);
  }
}
