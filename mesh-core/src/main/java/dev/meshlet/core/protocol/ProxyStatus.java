package dev.meshlet.core.protocol;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the server knows of one agent ({@code GET /v1/status}).
 *
 * @param versionSent the last version pushed to it, 0 before any
 * @param versionAcked the last version it acknowledged, 0 before any
 * @param connected whether its watch stream is open now
 * @param connectedSince when its current (or last) watch stream opened, ISO-8601, or null if it
 *     never watched
 * @param lastNack the error of its last NACK, or null
 */
public record ProxyStatus(
    String name,
    String namespace,
    String service,
    String leaseId,
    long versionSent,
    long versionAcked,
    SyncStatus status,
    boolean connected,
    @Nullable String connectedSince,
    @Nullable String lastNack) {
  public ProxyStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(status, "status");
  }
}
