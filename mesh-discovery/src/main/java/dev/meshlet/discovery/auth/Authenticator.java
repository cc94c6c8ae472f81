package dev.meshlet.discovery.auth;

import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.TokenGrant;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.verify.PeerIdentities;
import java.util.Locale;
import javax.net.ssl.SSLSession;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Turns a request's {@code Authorization: Bearer TOKEN} into the principal it proves. */
public final class Authenticator {
  private final String adminToken;
  private final DiscoveryStore store;

  public Authenticator(String adminToken, DiscoveryStore store) {
    this.adminToken = adminToken;
    this.store = store;
  }

  /**
   * The principal that a request's {@code Authorization} header proves or, without one, the
   * verified client certificate of its TLS session (a workload renewing or talking mTLS); empty
   * when neither proves anyone.
   */
  public Optional<Principal> authenticate(@Nullable String authorization, @Nullable SSLSession session) {
    if (authorization == null) {
      return PeerIdentities.spiffeId(session).flatMap(Authenticator::workload);
    }
    return authenticate(authorization);
  }

  private static Optional<Principal> workload(SpiffeId id) {
    try {
      WorkloadIdentity w = WorkloadIdentity.fromSpiffeId(id);
      return Optional.of(new Principal.Workload(w.serviceAccount(), w.namespace()));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a SPIFFE ID that names no service account proves no workload
    }
  }

  /** The principal of {@code authorization} (a header value), or empty when it proves no one. */
  public Optional<Principal> authenticate(@Nullable String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String a = authorization.trim();
    if (!a.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      return Optional.empty();
    }
    String token = a.substring(7).trim();
    if (Tokens.same(token, adminToken)) {
      return Optional.of(new Principal.Admin());
    }
    String sha256 = Tokens.sha256(token);
    TokenGrant grant = store.state().tokens().get(sha256);
    if (grant == null && store.catchUp()) {
      grant = store.state().tokens().get(sha256); // granted through another replica a moment ago
    }
    return grant == null
        ? Optional.empty()
        : Optional.of(new Principal.Workload(grant.serviceAccount(), grant.namespace()));
  }
}
