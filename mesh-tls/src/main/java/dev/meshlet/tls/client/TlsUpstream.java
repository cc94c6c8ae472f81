package dev.meshlet.tls.client;

import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.tls.identity.SpiffeId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the client knows of an upstream when it chooses its TLS: the host it dials, whether the
 * endpoint is a mesh workload (it carries a service account or a mesh label), the identities the
 * destination's workloads may have (its service accounts), and, when known, the inbound mode the
 * destination's PeerAuthentication gives the port (auto mTLS sends plaintext to DISABLE, as
 * Istio does).
 *
 * @param host the host name or address dialed (for SNI and server verification)
 * @param inMesh whether the endpoint is a mesh workload that accepts mesh mTLS
 * @param serviceAccounts the SPIFFE IDs the destination may present; empty: any of the trust domain
 * @param serverMode the destination port's PeerAuthentication mode, or null when unknown
 */
public record TlsUpstream(String host, boolean inMesh, Set<SpiffeId> serviceAccounts, @Nullable Mode serverMode) {

  /** Istio's endpoint label that says the workload accepts mesh mTLS ({@code istio}) or not. */
  public static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";

  public TlsUpstream {
    Objects.requireNonNull(host, "host");
    serviceAccounts = Set.copyOf(serviceAccounts);
  }

  /** An endpoint of a mesh workload whose certificate carries one of {@code serviceAccounts}. */
  public static TlsUpstream mesh(String host, Set<SpiffeId> serviceAccounts) {
    return new TlsUpstream(host, true, serviceAccounts, null);
  }

  /** An endpoint outside the mesh (no service account, no mesh label). */
  public static TlsUpstream external(String host) {
    return new TlsUpstream(host, false, Set.of(), null);
  }

  /**
   * Whether an endpoint is a mesh workload for auto mTLS: Istio's {@code security.istio.io/tlsMode}
   * label decides when present ({@code istio}: yes, anything else: no); otherwise an endpoint that
   * registered with a service account is one.
   */
  public static boolean isMeshEndpoint(@Nullable String serviceAccount, Map<String, String> labels) {
    String tlsMode = labels.get(TLS_MODE_LABEL);
    if (tlsMode != null) {
      return tlsMode.equals("istio");
    }
    return serviceAccount != null && !serviceAccount.isEmpty();
  }

  public TlsUpstream withServerMode(@Nullable Mode mode) {
    return new TlsUpstream(host, inMesh, serviceAccounts, mode);
  }
}
