package dev.meshlet.tls.verify;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.SpiffeCertificates;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * The verified peer of a TLS session, for authorization (source.principal) and telemetry. Only
 * sessions made with a {@link SpiffeTrustManager} carry a verified SPIFFE ID.
 */
public final class PeerIdentities {

  private PeerIdentities() {}

  /** The peer's SPIFFE ID, or empty when the peer sent no certificate or one without an ID. */
  public static Optional<SpiffeId> spiffeId(@Nullable SSLSession session) {
    return peer(session).map(VerifiedPeer::spiffeId);
  }

  public static Optional<VerifiedPeer> peer(@Nullable SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Certificate[] certificates;
    try {
      certificates = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (certificates.length == 0 || !(certificates[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new VerifiedPeer(SpiffeCertificates.spiffeId(leaf), leaf));
    } catch (CertificateException e) {
      return Optional.empty();
    }
  }
}
