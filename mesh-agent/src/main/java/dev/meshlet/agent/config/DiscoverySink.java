package dev.meshlet.agent.config;

/** Where a {@link DiscoverySource} delivers updates; the mesh implements it. Thread-safe. */
public interface DiscoverySink {
  /**
   * Applies {@code update} atomically, or refuses it whole and keeps the config in force.
   *
   * @return an ACK when it is in force, a NACK with the reason otherwise; never throws
   */
  DiscoveryAck apply(DiscoveryUpdate update);
}
