package dev.meshlet.core.protocol;

import java.util.Objects;

/**
 * The server's answer to a registration or a renewal: the lease that keeps the workload
 * registered while the agent renews it within {@code ttlSeconds}.
 *
 * @param leaseId names the registration in renewals, the watch, ACKs and deregistration
 * @param name the instance's name as status shows it
 * @param ttlSeconds how long the lease lives without a renewal (renew at a third of it)
 * @param version the server's version once the registration was stored
 */
public record LeaseGrant(String leaseId, String name, long ttlSeconds, long version) {
  public LeaseGrant {
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(name, "name");
  }
}
