package dev.meshlet.tls.ca;

import dev.meshlet.tls.pki.Pem;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the CA issued and the chain a peer needs to verify it, leaf first, up to the root.
 */
public record IssuedCertificate(List<X509Certificate> chain) {

  public IssuedCertificate {
    chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: empty (expected: the leaf certificate first)");
    }
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The chain in PEM, leaf first, as Istio's cert-chain of a workload. */
  public String chainPem() {
    return Pem.certificates(chain);
  }
}
