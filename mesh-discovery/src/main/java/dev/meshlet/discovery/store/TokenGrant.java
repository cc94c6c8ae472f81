package dev.meshlet.discovery.store;

import java.util.Objects;

/**
 * A bootstrap token's binding to one workload identity. The store keeps the token's SHA-256,
 * never the token itself.
 */
public record TokenGrant(String sha256, String serviceAccount, String namespace, String createdAt) {
  public TokenGrant {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
