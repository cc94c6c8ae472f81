package dev.meshlet.agent.discovery;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where an agent stands with the discovery server, for the admin endpoint and logs.
 *
 * @param server the server it talks to now (or last tried)
 * @param leaseId its lease, or null while it is not registered
 * @param connected whether its watch stream is open
 * @param connectedSince when the current stream opened, or null
 * @param receivedVersion the version of the last event received (applied or not), 0 before any
 * @param appliedVersion the version of the view in force, 0 before any
 * @param origin where the view in force came from, or null before any
 * @param lastError the last failure (a refused view, an unreachable server), or null
 */
public record DiscoveryStatus(
    String server,
    @Nullable String leaseId,
    boolean connected,
    @Nullable Instant connectedSince,
    long receivedVersion,
    long appliedVersion,
    CentralView.@Nullable Origin origin,
    @Nullable String lastError) {}
