package dev.meshlet.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.testing.MeshHttpsServer;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real handshakes between Meshlet SSLContexts: who may talk to whom, and what bad bytes do. */
class MeshTlsHandshakeTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId RATINGS = WorkloadIdentity.of("bookinfo", "ratings").spiffeId();
  static final SpiffeId PRODUCTPAGE = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();

  CertificateAuthority ca;
  WorkloadCertificateManager serverCerts;
  MeshHttpsServer server;
  WorkloadCertificateManager clientCerts;

  @BeforeEach
  void startServer() throws Exception {
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS))
        .allowedClients(AllowedPeers.only(PRODUCTPAGE)).start();
    server = MeshHttpsServer.start(serverCerts.sslContext());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    serverCerts.close();
    if (clientCerts != null) {
      clientCerts.close();
    }
  }

  @Test
  void anAllowedClientReachesAServerWithTheExpectedIdentity() throws Exception {
    // The trust manager learns the dialed host from the handshake: only 127.0.0.1 is a known host here.
    OkHttpClient client = client(PRODUCTPAGE, host -> host.equals("127.0.0.1") ? AllowedPeers.only(REVIEWS) : null,
        MeshHostnameVerifier.anyMeshPeer());

    try (Response response = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("hello cluster.local/ns/bookinfo/sa/productpage\n");
      assertThat(PeerIdentities.spiffeId(null)).isEmpty();
      assertThat(response.handshake().peerCertificates()).isNotEmpty();
    }
  }

  @Test
  void anRsaServerAndAnEcClientShakeHands() throws Exception {
    try (WorkloadCertificateManager rsaCerts = WorkloadCertificateManager.builder(RATINGS, new InProcessSigner(ca, RATINGS))
            .keyType(dev.meshlet.tls.pki.KeyType.RSA_2048).start();
        MeshHttpsServer rsaServer = MeshHttpsServer.start(rsaCerts.sslContext())) {
      OkHttpClient client = client(PRODUCTPAGE, host -> AllowedPeers.only(RATINGS), MeshHostnameVerifier.anyMeshPeer());

      try (Response response = client.newCall(new Request.Builder().url(rsaServer.url()).build()).execute()) {
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.handshake().peerCertificates().get(0).getPublicKey().getAlgorithm()).isEqualTo("RSA");
      }
    }
  }

  @Test
  void theClientRefusesAServerWhoseIdentityTheDestinationMayNotHave() throws Exception {
    OkHttpClient client = client(PRODUCTPAGE, host -> AllowedPeers.only(RATINGS), MeshHostnameVerifier.anyMeshPeer());

    assertThatThrownBy(() -> client.newCall(new Request.Builder().url(server.url()).build()).execute())
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("SPIFFE ID " + REVIEWS + " is not one this peer may have (expected: one of [" + RATINGS + "])");
    assertThat(server.requests()).isZero();
  }

  @Test
  void theServerRefusesAClientItDoesNotAllow() throws Exception {
    OkHttpClient client = client(RATINGS, host -> AllowedPeers.any(), MeshHostnameVerifier.anyMeshPeer());

    assertThatThrownBy(() -> {
      try (Response response = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
        response.body().string();
      }
    }).isInstanceOf(IOException.class);
    assertThat(server.requests()).isZero();
  }

  @Test
  void theHostnameVerifierChecksTheSpiffeIdInsteadOfDnsNames() throws Exception {
    OkHttpClient allowed = client(PRODUCTPAGE, host -> AllowedPeers.any(),
        new MeshHostnameVerifier(host -> host.equals("127.0.0.1") ? AllowedPeers.only(REVIEWS) : null));
    try (Response response = allowed.newCall(new Request.Builder().url(server.url()).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    OkHttpClient wrongIdentity = client(PRODUCTPAGE, host -> AllowedPeers.any(),
        new MeshHostnameVerifier(host -> AllowedPeers.only(RATINGS)));
    assertThatThrownBy(() -> wrongIdentity.newCall(new Request.Builder().url(server.url()).build()).execute())
        .isInstanceOf(SSLPeerUnverifiedException.class);
  }

  @Test
  void plaintextAndTruncatedHandshakesAreRefusedAndTheServerKeepsServing() throws Exception {
    byte[] plaintext = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    // The first bytes of a TLS 1.2 ClientHello record, cut off midway.
    byte[] truncated = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
    for (byte[] bytes : new byte[][] {plaintext, truncated}) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        byte[] answer = in.readAllBytes();
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("hello");
      } catch (java.net.SocketException e) {
        // A reset is a refusal too.
      }
    }

    OkHttpClient client = client(PRODUCTPAGE, host -> AllowedPeers.only(REVIEWS), MeshHostnameVerifier.anyMeshPeer());
    try (Response response = client.newCall(new Request.Builder().url(server.url()).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void aServerThatStopsMidHandshakeFailsTheCallAndTheClientClosesItsConnection() throws Exception {
    try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      java.util.concurrent.CountDownLatch clientClosed = new java.util.concurrent.CountDownLatch(1);
      Thread peer = new Thread(() -> {
        try (Socket s = stalling.accept()) {
          InputStream in = s.getInputStream();
          in.read(new byte[512]); // the ClientHello
          // A ServerHello record header and the first bytes of its body, then nothing more.
          s.getOutputStream().write(new byte[] {0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03});
          s.getOutputStream().flush();
          while (in.read() >= 0) {
            // wait for the client to give up
          }
          clientClosed.countDown();
        } catch (IOException e) {
          clientClosed.countDown(); // a reset also means the client let go
        }
      });
      peer.start();
      OkHttpClient client = client(PRODUCTPAGE, host -> AllowedPeers.only(REVIEWS), MeshHostnameVerifier.anyMeshPeer())
          .newBuilder().connectTimeout(java.time.Duration.ofMillis(500)).readTimeout(java.time.Duration.ofMillis(500))
          .build();

      assertThatThrownBy(() -> client.newCall(new Request.Builder()
          .url("https://127.0.0.1:" + stalling.getLocalPort() + "/").build()).execute())
          .isInstanceOf(IOException.class);

      assertThat(clientClosed.await(5, java.util.concurrent.TimeUnit.SECONDS))
          .as("the client closed the half-open TLS connection").isTrue();
      assertThat(client.connectionPool().connectionCount()).isZero();
      peer.join(5_000);
    }
  }

  private OkHttpClient client(SpiffeId identity, Function<String, @Nullable AllowedPeers> allowedServers,
      MeshHostnameVerifier hostnameVerifier) throws Exception {
    if (clientCerts != null) {
      clientCerts.close();
    }
    clientCerts = WorkloadCertificateManager.builder(identity, new InProcessSigner(ca, identity))
        .allowedServers(allowedServers).start();
    return new OkHttpClient.Builder()
        .sslSocketFactory(clientCerts.socketFactory(), clientCerts.trustManager())
        .hostnameVerifier(hostnameVerifier)
        .retryOnConnectionFailure(false)
        .build();
  }
}
