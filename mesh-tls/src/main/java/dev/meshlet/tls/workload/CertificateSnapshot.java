package dev.meshlet.tls.workload;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.TrustBundle;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One generation of a workload's credentials: its key, its certificate chain under a key alias
 * unique to this generation, the trust bundle, and when the next rotation is due. Immutable; the
 * certificate manager swaps whole snapshots.
 */
public record CertificateSnapshot(
    long generation,
    String alias,
    SpiffeId spiffeId,
    PrivateKey privateKey,
    List<X509Certificate> chain,
    TrustBundle trustBundle,
    Instant issuedAt,
    Instant rotateAt) {

  public CertificateSnapshot {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
    Objects.requireNonNull(trustBundle, "trustBundle");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(rotateAt, "rotateAt");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: empty (expected: the leaf certificate first)");
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  public Instant expiresAt() {
    return certificate().getNotAfter().toInstant();
  }

  CertificateSnapshot withTrustBundle(TrustBundle bundle) {
    return new CertificateSnapshot(generation, alias, spiffeId, privateKey, chain, bundle, issuedAt, rotateAt);
  }

  /** Leaves the key out: snapshots end up in logs and admin pages. */
  @Override
  public String toString() {
    return "CertificateSnapshot{generation=" + generation + ", alias=" + alias + ", spiffeId=" + spiffeId
        + ", serial=" + certificate().getSerialNumber().toString(16) + ", expiresAt=" + expiresAt()
        + ", rotateAt=" + rotateAt + ", " + trustBundle + "}";
  }
}
