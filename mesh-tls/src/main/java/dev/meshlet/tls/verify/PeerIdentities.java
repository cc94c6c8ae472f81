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
 *
 * <p>The peer is read from the certificate once per session and kept in the session itself
 * ({@link SSLSession#putValue}): every request of a kept-alive connection would otherwise parse
 * the same certificate again. A session's peer certificates never change, and the value lives and
 * dies with the session, so a cached peer is always the one verified for that session; it is
 * kept under a type only this class can make, so no other code can plant one.
 */
public final class PeerIdentities {

  /** The session value name the peer is kept under. */
  static final String SESSION_KEY = PeerIdentities.class.getName() + ".peer";

  private PeerIdentities() {}

  /** The peer's SPIFFE ID, or empty when the peer sent no certificate or one without an ID. */
  public static Optional<SpiffeId> spiffeId(@Nullable SSLSession session) {
    return peer(session).map(VerifiedPeer::spiffeId);
  }

  public static Optional<VerifiedPeer> peer(@Nullable SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    if (session.getValue(SESSION_KEY) instanceof Cached cached) {
      return cached.peer;
    }
    Optional<VerifiedPeer> peer = read(session);
    if (peer.isPresent()) {
      // Only a peer found is kept: "none yet" may be asked of a session still being negotiated.
      try {
        session.putValue(SESSION_KEY, new Cached(peer));
      } catch (RuntimeException e) {
        // A session that keeps no values (an adapter's own SSLSession): read it again next time.
      }
    }
    return peer;
  }

  private static Optional<VerifiedPeer> read(SSLSession session) {
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

  /** The peer of one session, as read from its certificate when the session was first asked. */
  private record Cached(Optional<VerifiedPeer> peer) {}
}
