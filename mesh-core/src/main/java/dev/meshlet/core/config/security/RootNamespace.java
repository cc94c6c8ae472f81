package dev.meshlet.core.config.security;

/**
 * Istio's root namespace: a PeerAuthentication or AuthorizationPolicy there applies to the whole
 * mesh (its selector, if any, matching workloads of every namespace).
 */
public final class RootNamespace {
  /** Istio's default root namespace ({@code meshConfig.rootNamespace}). */
  public static final String DEFAULT = "istio-system";

  private RootNamespace() {}

  /** Whether {@code namespace} is the default root namespace. */
  public static boolean isDefault(String namespace) {
    return DEFAULT.equals(namespace);
  }
}
