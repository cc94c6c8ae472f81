package dev.meshlet.discovery.auth;

import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.TokenGrant;
import java.util.Locale;
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
    TokenGrant grant = store.state().tokens().get(Tokens.sha256(token));
    return grant == null
        ? Optional.empty()
        : Optional.of(new Principal.Workload(grant.serviceAccount(), grant.namespace()));
  }
}
