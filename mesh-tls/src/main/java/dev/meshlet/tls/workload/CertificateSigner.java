package dev.meshlet.tls.workload;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * Turns a workload's CSR into a certificate. In process it is the CA itself
 * ({@link InProcessSigner}); in a mesh it is the discovery server, reached over HTTP, which
 * decides the identity from the caller's credential.
 */
public interface CertificateSigner {

  /**
   * Signs {@code csrDer} for the identity the signer knows the caller has.
   *
   * @throws GeneralSecurityException when the request is refused (e.g.
   *     {@link dev.meshlet.tls.ca.CsrRejectedException})
   * @throws IOException when the signer cannot be reached
   */
  SignedCertificate sign(byte[] csrDer, Duration ttl) throws IOException, GeneralSecurityException;
}
