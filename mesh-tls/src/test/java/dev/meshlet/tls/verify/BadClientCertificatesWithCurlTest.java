package dev.meshlet.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.testing.Command;
import dev.meshlet.tls.testing.MeshHttpsServer;
import dev.meshlet.tls.testing.TestPki;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real curl presenting client certificates that chain to the server's own root but that the
 * Meshlet CA would never issue (wrong usage, expired, another trust domain): the STRICT server
 * refuses each in the handshake, names the reason, never runs the handler, and keeps serving.
 */
class BadClientCertificatesWithCurlTest {

  static final SpiffeId SERVER = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId CLIENT = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();
  static final KeyPurposeId[] BOTH = {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};

  @TempDir Path dir;

  final Instant now = Instant.now();
  final TestPki pki = new TestPki("Test Root", now);
  /** What the server's SPIFFE trust manager refused, in order: the reason a user would read in a log. */
  final List<String> refusals = new CopyOnWriteArrayList<>();
  MeshHttpsServer server;

  @BeforeEach
  void startServer() throws Exception {
    TestPki.Leaf serverLeaf = pki.leaf(List.of(SERVER.toString()), BOTH, now.minusSeconds(60), now.plusSeconds(3600));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverLeaf.keys().getPrivate(), new char[0], serverLeaf.chainArray());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    SpiffeTrustManager verifier = SpiffeTrustManager.anyInTrustDomain(() -> pki.bundle(TrustDomain.DEFAULT),
        Clock.systemUTC());
    context.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new Recording(verifier)}, new SecureRandom());
    server = MeshHttpsServer.start(context);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void aClientCertificateOfTheRightUsageFromTheSameRootGetsThrough() throws Exception {
    write("good", pki.leaf(List.of(CLIENT.toString()), BOTH, now.minusSeconds(60), now.plusSeconds(3600)));

    Command.Result result = curl("good");

    assertThat(result.output()).contains("hello cluster.local/ns/bookinfo/sa/productpage").endsWith("200");
    assertThat(refusals).isEmpty();
  }

  @Test
  void aServerOnlyCertificatePresentedByAClientIsRefused() throws Exception {
    write("server-only", pki.leaf(List.of(CLIENT.toString()), new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth},
        now.minusSeconds(60), now.plusSeconds(3600)));

    assertRefused(curl("server-only"), "extended key usage [serverAuth] lacks clientAuth");
  }

  @Test
  void anExpiredClientCertificateIsRefused() throws Exception {
    write("expired", pki.leaf(List.of(CLIENT.toString()), BOTH, now.minus(Duration.ofHours(2)),
        now.minus(Duration.ofHours(1))));

    assertRefused(curl("expired"), "expired at");
  }

  @Test
  void aClientOfAnotherTrustDomainIsRefused() throws Exception {
    write("foreign-domain", pki.leaf(List.of("spiffe://example.org/ns/bookinfo/sa/productpage"), BOTH,
        now.minusSeconds(60), now.plusSeconds(3600)));

    assertRefused(curl("foreign-domain"), "is in trust domain example.org");
  }

  private void assertRefused(Command.Result result, String reason) throws Exception {
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).doesNotContain("hello").endsWith("000");
    assertThat(server.requests()).isZero();
    assertThat(refusals).hasSize(1);
    assertThat(refusals.get(0)).contains(reason);
    // The refusal cost the server nothing: a good client still gets through on the same port.
    write("good", pki.leaf(List.of(CLIENT.toString()), BOTH, now.minusSeconds(60), now.plusSeconds(3600)));
    assertThat(curl("good").output()).endsWith("200");
  }

  private void write(String name, TestPki.Leaf leaf) throws Exception {
    Files.writeString(dir.resolve(name + ".pem"), Pem.certificates(List.of(leaf.chain().get(0))));
    Files.writeString(dir.resolve(name + ".key"), Pem.privateKey(leaf.keys().getPrivate()));
  }

  private Command.Result curl(String name) {
    // The server's certificate has no DNS name: this test is about the client's certificate.
    return Command.run(dir, "curl", "-sS", "--max-time", "10", "--insecure", "-w", "%{http_code}",
        "--cert", name + ".pem", "--key", name + ".key", server.url());
  }

  /** Passes every call to the real trust manager and keeps the message of each refusal. */
  private final class Recording extends X509ExtendedTrustManager {
    private final SpiffeTrustManager delegate;

    Recording(SpiffeTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      record(() -> delegate.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      record(() -> delegate.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      record(() -> delegate.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }

    private void record(Check check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        refusals.add(e.getMessage());
        throw e;
      }
    }
  }

  private interface Check {
    void run() throws CertificateException;
  }
}
