package dev.meshlet.agent.config;

import dev.meshlet.core.registry.WorkloadInstance;

/**
 * The plug point for the discovery server: registers this workload, streams CENTRAL resources
 * and the endpoints of the mesh to a {@link DiscoverySink}, and reports what the sink answered
 * (ACK or NACK, as xDS does). The mesh is not ready until the sink accepted a first update.
 *
 * <p>Implementations run on their own threads; {@link #start} must return promptly.
 */
public interface DiscoverySource extends AutoCloseable {
  /**
   * Registers {@code self} and starts delivering updates to {@code sink}. Each update is applied
   * whole or refused whole; the answer says which.
   */
  void start(WorkloadInstance self, DiscoverySink sink);

  /** Stops watching, deregisters the workload and releases every thread and connection. */
  @Override
  void close();
}
