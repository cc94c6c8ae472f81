package dev.meshlet.tls.authz;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.verify.VerifiedPeer;
import org.jspecify.annotations.Nullable;

/**
 * Who a connection comes from, as authorization reads it: the peer's principal as Istio writes it
 * ({@code cluster.local/ns/foo/sa/bar}), and the namespace and service account in it. Made once
 * per connection from the verified peer; plaintext connections have {@link #NONE}.
 *
 * @param principal the principal, or null when the peer is not authenticated (plaintext)
 * @param namespace the {@code ns} of the principal's path, or null
 * @param serviceAccount the {@code sa} of the principal's path, or null
 */
public record SourceIdentity(@Nullable String principal, @Nullable String namespace, @Nullable String serviceAccount) {

  /** An unauthenticated peer: no principal, namespace or service account. */
  public static final SourceIdentity NONE = new SourceIdentity(null, null, null);

  public static SourceIdentity of(SpiffeId id) {
    return ofPrincipal(id.trustDomain().name() + id.path());
  }

  public static SourceIdentity of(VerifiedPeer peer) {
    return of(peer.spiffeId());
  }

  /**
   * From a principal {@code <trust-domain>/ns/<ns>/sa/<sa>}; the namespace and service account
   * are read from the {@code ns} and {@code sa} segments wherever they are (Istio's matching
   * allows other segments between them).
   */
  public static SourceIdentity ofPrincipal(String principal) {
    String[] segments = principal.split("/", -1);
    String ns = null;
    String sa = null;
    // segments[0] is the trust domain.
    for (int i = 1; i + 1 < segments.length; i++) {
      if (ns == null && segments[i].equals("ns")) {
        ns = segments[++i];
      } else if (ns != null && sa == null && segments[i].equals("sa")) {
        sa = segments[++i];
      }
    }
    return new SourceIdentity(principal, ns, sa);
  }

  public boolean isAuthenticated() {
    return principal != null;
  }
}
