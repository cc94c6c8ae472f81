package dev.meshlet.tls.verify;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The SPIFFE IDs a peer may have: a set (a destination's service accounts, or a
 * DestinationRule's subjectAltNames), or, when empty, any identity of the trust domain.
 */
public record AllowedPeers(Set<SpiffeId> ids) {

  private static final AllowedPeers ANY = new AllowedPeers(Set.of());

  public AllowedPeers {
    ids = Set.copyOf(Objects.requireNonNull(ids, "ids"));
  }

  /** Any identity of the trust domain the verifier trusts. */
  public static AllowedPeers any() {
    return ANY;
  }

  public static AllowedPeers only(Collection<SpiffeId> ids) {
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("allowed peers: empty (expected: at least one SPIFFE ID; use any() for"
          + " any identity of the trust domain)");
    }
    return new AllowedPeers(Set.copyOf(ids));
  }

  public static AllowedPeers only(SpiffeId... ids) {
    return only(Arrays.asList(ids));
  }

  public static AllowedPeers serviceAccounts(WorkloadIdentity... identities) {
    List<SpiffeId> ids = new ArrayList<>();
    for (WorkloadIdentity identity : identities) {
      ids.add(identity.spiffeId());
    }
    return only(ids);
  }

  public boolean isAny() {
    return ids.isEmpty();
  }

  public boolean allows(SpiffeId id) {
    return ids.isEmpty() || ids.contains(id);
  }
}
