package dev.meshlet.agent;

import dev.meshlet.tls.pki.SpiffeCertificates;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Handshake;
import org.jspecify.annotations.Nullable;

/**
 * The SPIFFE ID a server's certificate names (its first {@code spiffe://} URI SAN), which Istio's
 * client reports as {@code destination_principal}. Parsing a certificate's SANs allocates, so the
 * answer is kept per certificate; certificates rotate rarely and the map is bounded.
 */
final class PeerPrincipals {
  private static final int MAX = 1_000;

  private final Map<Certificate, String> byCertificate = new ConcurrentHashMap<>();

  /** The principal of the server that answered over TLS, or null (plaintext, no SPIFFE ID). */
  @Nullable String of(@Nullable Handshake handshake) {
    if (handshake == null) {
      return null;
    }
    List<Certificate> chain = handshake.peerCertificates();
    if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return null;
    }
    String known = byCertificate.get(leaf);
    if (known != null) {
      return known.isEmpty() ? null : known;
    }
    String principal = "";
    try {
      for (String san : SpiffeCertificates.uriSans(leaf)) {
        if (san.startsWith("spiffe://")) {
          principal = san;
          break;
        }
      }
    } catch (CertificateParsingException e) {
      // No readable SAN: no principal, as Envoy would report.
    }
    if (byCertificate.size() >= MAX) {
      byCertificate.clear();
    }
    byCertificate.put(leaf, principal);
    return principal.isEmpty() ? null : principal;
  }
}
