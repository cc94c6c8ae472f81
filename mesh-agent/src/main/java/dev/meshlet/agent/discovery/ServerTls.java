package dev.meshlet.agent.discovery;

import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * How the agent's clients check a discovery server: mesh certificates carry a SPIFFE ID, not a
 * host name, so the server must chain to the mesh's roots and present the discovery server's
 * identity, whatever address was dialed. With a key manager the client also presents the
 * workload's certificate (mTLS), which proves who it is without the bootstrap token.
 */
final class ServerTls {
  private ServerTls() {}

  /** {@code builder} set up for the config's roots, or left on the JDK's defaults when it has none. */
  static OkHttpClient.Builder configure(OkHttpClient.Builder builder, DiscoveryConfig config, Clock clock,
      @Nullable X509KeyManager clientCertificate) {
    TrustBundle fixed = config.trustedRoots().isEmpty() ? null
        : TrustBundle.of(config.serverIdentity().trustDomain(), config.trustedRoots());
    return configure(builder, config, clock, clientCertificate, fixed == null ? null : () -> fixed);
  }

  /**
   * As above, with the roots read from {@code roots} at each handshake, so that a root rotation
   * reaches every connection made after it without a new socket factory (which would split
   * OkHttp's pool).
   */
  static OkHttpClient.Builder configure(OkHttpClient.Builder builder, DiscoveryConfig config, Clock clock,
      @Nullable X509KeyManager clientCertificate, @Nullable Supplier<TrustBundle> roots) {
    if (roots == null) {
      if (clientCertificate != null) {
        throw new IllegalArgumentException("trustedRoots: empty (expected: the mesh's roots, to present a workload certificate)");
      }
      return builder;
    }
    AllowedPeers server = AllowedPeers.only(config.serverIdentity());
    SpiffeTrustManager trust = new SpiffeTrustManager(roots, clock, AllowedPeers.any(), host -> server);
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(clientCertificate == null ? null : new KeyManager[] {clientCertificate}, new TrustManager[] {trust}, null);
      return builder.sslSocketFactory(tls.getSocketFactory(), trust).hostnameVerifier(new MeshHostnameVerifier(host -> server));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for the discovery servers: " + e.getMessage(), e);
    }
  }
}
