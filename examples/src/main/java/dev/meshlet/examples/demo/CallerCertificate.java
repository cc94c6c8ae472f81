package dev.meshlet.examples.demo;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import okhttp3.OkHttpClient;

/**
 * A certificate from {@code meshctl cert issue} (key.pem, cert-chain.pem, root-cert.pem in one
 * directory), presented by an OkHttp client that checks the server's chain against the mesh root
 * and its SPIFFE ID: how the demo calls a STRICT workload from outside, as Istio's ingress
 * gateway does with its own mesh identity.
 */
final class CallerCertificate {
  /** The key store lives only in memory; PKCS12 still wants a password. */
  private static final char[] PASSWORD = "in-memory".toCharArray();

  private final Path dir;
  private final SpiffeId identity;
  private final SSLContext context;
  private final SpiffeTrustManager trust;
  private final SpiffeId server;

  private CallerCertificate(Path dir, SpiffeId server) throws IOException, GeneralSecurityException {
    this.dir = dir;
    this.server = server;
    PrivateKey key = Pem.readPrivateKey(Files.readString(dir.resolve("key.pem")), dir.resolve("key.pem").toString());
    List<X509Certificate> chain = Pem.readCertificates(Files.readString(dir.resolve("cert-chain.pem")),
        dir.resolve("cert-chain.pem").toString());
    List<X509Certificate> roots = Pem.readCertificates(Files.readString(dir.resolve("root-cert.pem")),
        dir.resolve("root-cert.pem").toString());
    this.identity = SpiffeCertificates.spiffeId(chain.get(0));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("caller", key, PASSWORD, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    TrustBundle bundle = TrustBundle.of(identity.trustDomain(), roots);
    this.trust = new SpiffeTrustManager(() -> bundle, Clock.systemUTC(), AllowedPeers.any(), host -> AllowedPeers.only(server));
    this.context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), new javax.net.ssl.TrustManager[] {trust}, null);
  }

  /** The certificate in {@code dir}, for calls to the workload whose SPIFFE ID is {@code server}. */
  static CallerCertificate load(Path dir, SpiffeId server) throws IOException {
    try {
      return new CallerCertificate(dir, server);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("the certificate in " + dir + " cannot be used: " + e.getMessage(), e);
    }
  }

  /** The identity this certificate proves. */
  SpiffeId identity() {
    return identity;
  }

  Path dir() {
    return dir;
  }

  /** {@code builder} presenting this certificate, accepting only {@link #server}'s over the mesh root. */
  OkHttpClient.Builder configure(OkHttpClient.Builder builder) {
    return builder.sslSocketFactory(context.getSocketFactory(), trust)
        .hostnameVerifier(new MeshHostnameVerifier(host -> AllowedPeers.only(server)));
  }
}
