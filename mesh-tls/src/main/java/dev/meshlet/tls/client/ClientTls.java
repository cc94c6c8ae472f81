package dev.meshlet.tls.client;

import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import java.util.Objects;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * How a client connects to one upstream: plaintext, or TLS with a socket factory, a trust manager
 * and a hostname verifier to hand to OkHttp as they are:
 *
 * <pre>{@code
 * if (tls.isTls()) {
 *   builder.sslSocketFactory(tls.sslSocketFactory(), tls.trustManager());
 *   if (tls.hostnameVerifier() != null) builder.hostnameVerifier(tls.hostnameVerifier());
 * }
 * }</pre>
 *
 * <p>The parts are shared: every value of one mode and trust material holds the same socket
 * factory, and equal inputs give the same verifier, so OkHttp (which pools connections by
 * these objects' identity) keeps one pool per upstream across snapshots. Two values are equal
 * exactly when their parts are the same objects, so a value is a good key for a derived client.
 *
 * @param mode what was decided: DISABLE (plaintext), SIMPLE, MUTUAL or ISTIO_MUTUAL
 * @param automatic whether auto mTLS decided it (no DestinationRule TLS settings)
 * @param sslSocketFactory the factory of TLS sockets; null for plaintext
 * @param trustManager the trust manager behind the factory (OkHttp wants it); null for plaintext
 * @param hostnameVerifier the verifier to use instead of OkHttp's; null keeps OkHttp's default
 */
public record ClientTls(
    TlsMode mode,
    boolean automatic,
    @Nullable SSLSocketFactory sslSocketFactory,
    @Nullable X509TrustManager trustManager,
    @Nullable HostnameVerifier hostnameVerifier) {

  /** Plaintext because a DestinationRule says DISABLE. */
  public static final ClientTls DISABLED = new ClientTls(TlsMode.DISABLE, false, null, null, null);
  /** Plaintext because auto mTLS found the upstream outside the mesh. */
  public static final ClientTls AUTO_PLAINTEXT = new ClientTls(TlsMode.DISABLE, true, null, null, null);

  public ClientTls {
    Objects.requireNonNull(mode, "mode");
    boolean tls = mode != TlsMode.DISABLE;
    if (tls != (sslSocketFactory != null) || tls != (trustManager != null)) {
      throw new IllegalArgumentException("client TLS " + mode
          + ": socket factory and trust manager must be set exactly when the mode is not DISABLE");
    }
  }

  public boolean isTls() {
    return mode != TlsMode.DISABLE;
  }

  /** Whether the client presents the mesh certificate and checks the peer's SPIFFE ID. */
  public boolean isMeshMtls() {
    return mode == TlsMode.ISTIO_MUTUAL;
  }

  /** The URL scheme OkHttp must dial with: OkHttp only speaks TLS to {@code https} URLs. */
  public String scheme() {
    return isTls() ? "https" : "http";
  }

  @Override
  public String toString() {
    return "ClientTls{" + mode + (automatic ? " (auto mTLS)" : "") + "}";
  }
}
