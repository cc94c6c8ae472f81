package dev.meshlet.tls.verify;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.CertificatePaths;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.pki.TrustBundle;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a mesh peer's certificate chain the way Istio's proxies do, in place of hostname
 * verification: the leaf carries exactly one SPIFFE ID that parses strictly, of the bundle's
 * trust domain; it is a workload certificate (not a CA, not self-signed) for the right usage,
 * valid at the given instant; the chain leads to one of the bundle's roots; and the ID is one
 * the peer may have. Each refusal says which check failed and on which certificate.
 */
public final class SpiffePeerVerifier {

  private SpiffePeerVerifier() {}

  public static VerifiedPeer verify(X509Certificate @Nullable [] chain, PeerRole role, TrustBundle bundle,
      AllowedPeers allowed, Instant now) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("mesh peer (" + role + ") sent no certificate"
          + " (expected: a workload certificate of trust domain " + bundle.trustDomain() + ")");
    }
    X509Certificate leaf = chain[0];
    String what = "mesh peer (" + role + ") " + SpiffeCertificates.describe(leaf);
    SpiffeId id;
    try {
      id = SpiffeCertificates.spiffeId(leaf);
    } catch (CertificateException e) {
      throw new CertificateException("mesh peer (" + role + "): " + e.getMessage(), e);
    }
    if (!id.isMemberOf(bundle.trustDomain())) {
      throw new CertificateException(what + ": SPIFFE ID " + id + " is in trust domain " + id.trustDomain()
          + " (expected: " + bundle.trustDomain() + ")");
    }
    Instant notAfter = leaf.getNotAfter().toInstant();
    Instant notBefore = leaf.getNotBefore().toInstant();
    if (now.isAfter(notAfter)) {
      throw new CertificateException(what + ": expired at " + notAfter + " (now " + now + ")");
    }
    if (now.isBefore(notBefore)) {
      throw new CertificateException(what + ": not yet valid, valid from " + notBefore + " (now " + now + ")");
    }
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException(what + ": is a CA certificate (expected: a workload certificate)");
    }
    if (isSelfSigned(leaf)) {
      throw new CertificateException(what + ": is self-signed (expected: issued by a CA of trust domain "
          + bundle.trustDomain() + ")");
    }
    checkUsage(leaf, role, what);
    CertificatePaths.validate(Arrays.asList(chain), bundle, now);
    if (!allowed.allows(id)) {
      throw new CertificateException(what + ": SPIFFE ID " + id + " is not one this peer may have"
          + " (expected: one of " + sorted(allowed) + ")");
    }
    return new VerifiedPeer(id, leaf);
  }

  private static void checkUsage(X509Certificate leaf, PeerRole role, String what) throws CertificateException {
    boolean[] keyUsage = leaf.getKeyUsage();
    if (keyUsage != null && (keyUsage.length == 0 || !keyUsage[0])) {
      throw new CertificateException(what + ": key usage lacks digitalSignature (expected: digitalSignature)");
    }
    List<String> eku = leaf.getExtendedKeyUsage();
    // No EKU extension means any usage (RFC 5280 4.2.1.12); Meshlet's CA always writes one.
    if (eku != null && !eku.contains(role.usageOid()) && !eku.contains("2.5.29.37.0")) {
      throw new CertificateException(what + ": extended key usage " + ekuNames(eku) + " lacks "
          + role.usageName() + " (expected: " + role.usageName() + " for a " + role.name().toLowerCase()
          + " of mesh traffic)");
    }
  }

  private static boolean isSelfSigned(X509Certificate cert) {
    if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
      return false;
    }
    try {
      cert.verify(cert.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static List<String> ekuNames(List<String> oids) {
    List<String> names = new ArrayList<>();
    for (String oid : oids) {
      names.add(switch (oid) {
        case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
        case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
        case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
        case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
        default -> oid;
      });
    }
    return names;
  }

  private static List<String> sorted(AllowedPeers allowed) {
    List<String> ids = new ArrayList<>();
    for (SpiffeId id : allowed.ids()) {
      ids.add(id.toString());
    }
    ids.sort(null);
    return ids;
  }
}
