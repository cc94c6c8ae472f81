package dev.meshlet.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The peer of real mutual-TLS sessions, read once per session and kept in it. */
class PeerIdentitiesTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId PRODUCTPAGE = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();
  static final SpiffeId RATINGS = WorkloadIdentity.of("bookinfo", "ratings").spiffeId();

  CertificateAuthority ca;
  WorkloadCertificateManager serverCerts;
  SSLServerSocket server;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS))
        .allowedClients(AllowedPeers.only(PRODUCTPAGE, RATINGS)).start();
    server = (SSLServerSocket) serverCerts.sslContext().getServerSocketFactory()
        .createServerSocket(0, 4, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    serverCerts.close();
  }

  @Test
  void aSessionsPeerIsReadOnceAndKeptWithTheSession() throws Exception {
    SSLSession session = serverSessionOf(PRODUCTPAGE);

    VerifiedPeer first = PeerIdentities.peer(session).orElseThrow();
    assertThat(first.spiffeId()).isEqualTo(PRODUCTPAGE);
    assertThat(first.principal()).isEqualTo("cluster.local/ns/bookinfo/sa/productpage");
    assertThat(first.certificate()).isSameAs(session.getPeerCertificates()[0]);
    assertThat(session.getValue(PeerIdentities.SESSION_KEY)).isNotNull();

    // Later requests of the connection get the very peer verified for the session.
    VerifiedPeer again = PeerIdentities.peer(session).orElseThrow();
    assertThat(again).isSameAs(first);
    assertThat(PeerIdentities.spiffeId(session)).contains(PRODUCTPAGE);
  }

  @Test
  void twoSessionsWithDifferentCertificatesKeepTheirOwnPeers() throws Exception {
    SSLSession productpage = serverSessionOf(PRODUCTPAGE);
    SSLSession ratings = serverSessionOf(RATINGS);

    assertThat(PeerIdentities.peer(productpage).orElseThrow().spiffeId()).isEqualTo(PRODUCTPAGE);
    assertThat(PeerIdentities.peer(ratings).orElseThrow().spiffeId()).isEqualTo(RATINGS);
    // Asked again, each session still answers with its own certificate's identity.
    assertThat(PeerIdentities.peer(productpage).orElseThrow().principal())
        .isEqualTo("cluster.local/ns/bookinfo/sa/productpage");
    assertThat(PeerIdentities.peer(ratings).orElseThrow().principal())
        .isEqualTo("cluster.local/ns/bookinfo/sa/ratings");
  }

  @Test
  void aValuePlantedUnderTheKeyIsNotTakenForAPeer() throws Exception {
    SSLSession session = serverSessionOf(RATINGS);
    session.putValue(PeerIdentities.SESSION_KEY, "cluster.local/ns/bookinfo/sa/productpage");

    assertThat(PeerIdentities.peer(session).orElseThrow().spiffeId()).isEqualTo(RATINGS);
  }

  /** Shakes hands as {@code client} and returns the server's side of the session. */
  private SSLSession serverSessionOf(SpiffeId client) throws Exception {
    try (WorkloadCertificateManager clientCerts = WorkloadCertificateManager.builder(client, new InProcessSigner(ca, client))
        .allowedServers(host -> AllowedPeers.only(REVIEWS)).start()) {
      CompletableFuture<SSLSession> accepted = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
          socket.startHandshake();
          socket.getInputStream().read();
          return socket.getSession();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket socket = (SSLSocket) clientCerts.socketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        socket.startHandshake();
        socket.getOutputStream().write('x');
        socket.getOutputStream().flush();
        return accepted.get(10, TimeUnit.SECONDS);
      }
    }
  }
}
