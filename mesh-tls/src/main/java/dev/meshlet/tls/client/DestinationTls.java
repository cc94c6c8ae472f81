package dev.meshlet.tls.client;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.Subset;
import dev.meshlet.core.config.networking.TrafficPolicy;
import dev.meshlet.core.config.networking.TrafficPolicy.PortTrafficPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Picks the client TLS settings of a DestinationRule for a subset and port, as Istio merges them:
 * the rule's {@code tls}, overridden by the rule's port-level {@code tls} for the port, then by
 * the subset's {@code tls}, then by the subset's port-level {@code tls}. Null means the rule says
 * nothing about TLS, which is when auto mTLS decides.
 */
public final class DestinationTls {

  private DestinationTls() {}

  public static @Nullable ClientTlsSettings settings(@Nullable DestinationRule rule, @Nullable String subset, int port) {
    if (rule == null) {
      return null;
    }
    ClientTlsSettings tls = settings(rule.trafficPolicy(), port, null);
    if (subset != null) {
      for (Subset s : rule.subsets()) {
        if (subset.equals(s.name())) {
          tls = settings(s.trafficPolicy(), port, tls);
          break;
        }
      }
    }
    return tls;
  }

  private static @Nullable ClientTlsSettings settings(@Nullable TrafficPolicy policy, int port,
      @Nullable ClientTlsSettings inherited) {
    if (policy == null) {
      return inherited;
    }
    ClientTlsSettings tls = policy.tls() != null ? policy.tls() : inherited;
    for (PortTrafficPolicy p : policy.portLevelSettings()) {
      if (p.port() != null && p.port().number() != null && p.port().number() == port && p.tls() != null) {
        tls = p.tls();
      }
    }
    return tls;
  }
}
