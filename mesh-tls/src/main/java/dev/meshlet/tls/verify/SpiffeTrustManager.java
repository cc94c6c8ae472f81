package dev.meshlet.tls.verify;

import dev.meshlet.tls.pki.TrustBundle;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A trust manager for mesh traffic: it verifies peers with {@link SpiffePeerVerifier} against
 * the trust bundle it reads on every handshake (so a bundle update applies to the next handshake
 * without a new SSLContext), at the injected clock's time.
 *
 * <p>Clients are checked against {@code allowedClients}; servers against what
 * {@code allowedServers} returns for the host the client dialed (empty string when unknown;
 * null from the function refuses the host).
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

  private final Supplier<TrustBundle> bundle;
  private final Clock clock;
  private final AllowedPeers allowedClients;
  private final Function<String, @Nullable AllowedPeers> allowedServers;

  public SpiffeTrustManager(Supplier<TrustBundle> bundle, Clock clock, AllowedPeers allowedClients,
      Function<String, @Nullable AllowedPeers> allowedServers) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.allowedClients = Objects.requireNonNull(allowedClients, "allowedClients");
    this.allowedServers = Objects.requireNonNull(allowedServers, "allowedServers");
  }

  /** A trust manager that accepts any identity of the bundle's trust domain, both ways. */
  public static SpiffeTrustManager anyInTrustDomain(Supplier<TrustBundle> bundle, Clock clock) {
    return new SpiffeTrustManager(bundle, clock, AllowedPeers.any(), host -> AllowedPeers.any());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    SpiffePeerVerifier.verify(chain, PeerRole.CLIENT, bundle.get(), allowedClients, clock.instant());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkServer(chain, "");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
      throws CertificateException {
    String host = "";
    if (socket instanceof SSLSocket ssl) {
      host = peerHost(ssl.getHandshakeSession());
    }
    checkServer(chain, host);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
      throws CertificateException {
    checkServer(chain, engine == null ? "" : peerHost(engine.getHandshakeSession()));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.get().roots().toArray(new X509Certificate[0]);
  }

  private void checkServer(X509Certificate[] chain, String host) throws CertificateException {
    AllowedPeers allowed = allowedServers.apply(host);
    if (allowed == null) {
      throw new CertificateException("no allowed identities for mesh host \"" + host + "\"");
    }
    SpiffePeerVerifier.verify(chain, PeerRole.SERVER, bundle.get(), allowed, clock.instant());
  }

  private static String peerHost(@Nullable SSLSession session) {
    String host = session == null ? null : session.getPeerHost();
    return host == null ? "" : host;
  }
}
