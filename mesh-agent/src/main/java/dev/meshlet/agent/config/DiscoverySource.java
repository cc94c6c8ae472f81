package dev.meshlet.agent.config;

import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.tls.workload.WorkloadCertificateManager;

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

  /**
   * The mesh's workload certificate, handed over before {@link #start} when mTLS is on: a source
   * may prove the workload with it instead of a bootstrap token, and give it the new trust
   * bundle when the mesh root rotates. Ignored by default.
   */
  default void useCertificates(WorkloadCertificateManager certificates) {}

  /** Stops watching, deregisters the workload and releases every thread and connection. */
  @Override
  void close();
}
