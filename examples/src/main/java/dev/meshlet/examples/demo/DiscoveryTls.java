package dev.meshlet.examples.demo;

import dev.meshlet.agent.discovery.DiscoveryConfig;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;

/**
 * How the demo (and its tests) reach a discovery server's https API as the agents do: trusting
 * the mesh root the server wrote ({@code DATA/ca/root-cert.pem}) and only a server presenting the
 * discovery server's SPIFFE ID (its certificate has no DNS name, as mesh certificates do not).
 */
public final class DiscoveryTls {
  private DiscoveryTls() {}

  /** {@code client} set to trust only the discovery server whose roots are in {@code rootPem}. */
  public static OkHttpClient.Builder trustServer(OkHttpClient.Builder client, Path rootPem) throws IOException {
    SpiffeId server = DiscoveryConfig.DEFAULT_SERVER_IDENTITY;
    try {
      TrustBundle bundle = TrustBundle.of(TrustDomain.DEFAULT,
          Pem.readCertificates(Files.readString(rootPem, StandardCharsets.US_ASCII), rootPem.toString()));
      SpiffeTrustManager trust = new SpiffeTrustManager(() -> bundle, Clock.systemUTC(), AllowedPeers.any(),
          host -> AllowedPeers.only(server));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, null);
      return client.sslSocketFactory(context.getSocketFactory(), trust)
          .hostnameVerifier(new MeshHostnameVerifier(host -> AllowedPeers.only(server)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("cannot use " + rootPem + " as the mesh root: " + e.getMessage(), e);
    }
  }
}
