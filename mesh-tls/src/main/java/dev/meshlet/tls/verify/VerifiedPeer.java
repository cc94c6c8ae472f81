package dev.meshlet.tls.verify;

import dev.meshlet.tls.identity.SpiffeId;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A peer whose certificate passed mesh verification: its SPIFFE ID and its certificate. */
public record VerifiedPeer(SpiffeId spiffeId, X509Certificate certificate) {

  public VerifiedPeer {
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(certificate, "certificate");
  }

  /** The principal as Istio's AuthorizationPolicy and telemetry write it (no scheme). */
  public String principal() {
    return spiffeId.trustDomain().name() + spiffeId.path();
  }
}
