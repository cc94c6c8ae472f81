package dev.meshlet.tls.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** PKIX path validation against a {@link TrustBundle} at a given instant (never the system clock). */
public final class CertificatePaths {

  private CertificatePaths() {}

  /**
   * Checks that {@code chain} (leaf first) leads to a root of {@code bundle} and that every
   * certificate in it is valid at {@code now}. Roots at the end of the chain are dropped first:
   * a peer may send the root, PKIX wants the path without its anchor.
   *
   * @throws CertificateException naming the certificate and the problem
   */
  public static void validate(List<X509Certificate> chain, TrustBundle bundle, Instant now)
      throws CertificateException {
    if (chain.isEmpty()) {
      throw new CertificateException("empty certificate chain (expected: at least the leaf certificate)");
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && bundle.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    X509Certificate leaf = chain.get(0);
    if (bundle.contains(leaf) && path.size() == 1) {
      // A root presented as a leaf is a CA certificate, never a workload's.
      throw new CertificateException(SpiffeCertificates.describe(leaf)
          + " is a root of the trust bundle, not a certificate issued by it");
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPath certPath = factory.generateCertPath(path);
      PKIXParameters params = new PKIXParameters(bundle.trustAnchors());
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      int index = e.getIndex();
      String which = index >= 0 && index < path.size()
          ? SpiffeCertificates.describe(path.get(index)) + " (chain position " + index + ")"
          : "chain of " + SpiffeCertificates.describe(leaf);
      // A missing anchor, or a bad signature by the would-be anchor (a root of the same name
      // that is not ours), both mean the chain does not lead to our roots.
      boolean noAnchor = e.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR
          || (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE
              && index == path.size() - 1);
      String reason = noAnchor
          ? "does not chain to any of the " + bundle.roots().size() + " root(s) of trust domain "
              + bundle.trustDomain() + " (" + e.getMessage() + ")"
          : "failed validation: " + e.getMessage();
      throw new CertificateException(which + " " + reason, e);
    } catch (GeneralSecurityException e) {
      throw new CertificateException("cannot validate " + SpiffeCertificates.describe(leaf) + ": " + e.getMessage(), e);
    }
  }
}
