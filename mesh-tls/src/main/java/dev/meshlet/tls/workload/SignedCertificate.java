package dev.meshlet.tls.workload;

import dev.meshlet.tls.pki.TrustBundle;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link CertificateSigner} answers: the workload's certificate chain (leaf first) and the
 * trust bundle the workload should verify peers with from now on.
 */
public record SignedCertificate(List<X509Certificate> chain, TrustBundle trustBundle) {

  public SignedCertificate {
    chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
    Objects.requireNonNull(trustBundle, "trustBundle");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: empty (expected: the leaf certificate first)");
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }
}
