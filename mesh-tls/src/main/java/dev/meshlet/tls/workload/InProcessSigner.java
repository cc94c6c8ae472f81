package dev.meshlet.tls.workload;

import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.ca.CsrRejectedException;
import dev.meshlet.tls.identity.SpiffeId;
import java.time.Duration;
import java.util.Objects;

/**
 * A signer backed by a CA in the same process. The identity is proven by configuration: whoever
 * holds the CA object decides which identity this signer asks for.
 */
public final class InProcessSigner implements CertificateSigner {

  private final CertificateAuthority ca;
  private final SpiffeId identity;

  public InProcessSigner(CertificateAuthority ca, SpiffeId identity) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  @Override
  public SignedCertificate sign(byte[] csrDer, Duration ttl) throws CsrRejectedException {
    return new SignedCertificate(ca.sign(csrDer, identity, ttl).chain(), ca.trustBundle());
  }
}
