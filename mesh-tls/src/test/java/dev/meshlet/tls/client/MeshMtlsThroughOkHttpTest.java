package dev.meshlet.tls.client;

import static dev.meshlet.tls.client.OkHttpClients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.testing.MeshHttpsServer;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ISTIO_MUTUAL and auto mTLS: OkHttp with the client workload's rotating context against a STRICT
 * JDK HttpsServer, the server's SPIFFE ID checked against what the destination may have.
 */
class MeshMtlsThroughOkHttpTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId RATINGS = WorkloadIdentity.of("bookinfo", "ratings").spiffeId();
  static final SpiffeId PRODUCTPAGE = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();

  CertificateAuthority ca;
  WorkloadCertificateManager serverCerts;
  WorkloadCertificateManager clientCerts;
  MeshHttpsServer server;
  ClientTlsFactory factory;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS)).start();
    clientCerts = WorkloadCertificateManager.builder(PRODUCTPAGE, new InProcessSigner(ca, PRODUCTPAGE)).start();
    server = MeshHttpsServer.start(serverCerts.sslContext());
    factory = ClientTlsFactory.of(clientCerts);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    serverCerts.close();
    clientCerts.close();
  }

  static ClientTlsSettings istioMutual(List<String> subjectAltNames) {
    return new ClientTlsSettings(TlsMode.ISTIO_MUTUAL, null, null, null, null, subjectAltNames, null, null, null);
  }

  @Test
  void istioMutualReachesAServerWithAnIdentityOfTheDestination() throws Exception {
    ClientTls tls = factory.resolve(istioMutual(List.of()), TlsUpstream.mesh("127.0.0.1", Set.of(REVIEWS)));

    assertThat(tls.isMeshMtls()).isTrue();
    assertThat(tls.sslSocketFactory()).isSameAs(clientCerts.socketFactory());
    assertThat(get(OkHttpClients.with(tls), server.url())).isEqualTo("200 hello cluster.local/ns/bookinfo/sa/productpage");
  }

  @Test
  void istioMutualRefusesAServerWhoseIdentityTheDestinationMayNotHave() {
    ClientTls tls = factory.resolve(istioMutual(List.of()), TlsUpstream.mesh("127.0.0.1", Set.of(RATINGS)));

    assertThatThrownBy(() -> get(OkHttpClients.with(tls), server.url()))
        .isInstanceOf(SSLPeerUnverifiedException.class);
  }

  @Test
  void theDestinationRulesSubjectAltNamesReplaceTheServiceAccounts() throws Exception {
    TlsUpstream upstream = TlsUpstream.mesh("127.0.0.1", Set.of(RATINGS));

    ClientTls allowed = factory.resolve(istioMutual(List.of(REVIEWS.toString())), upstream);
    ClientTls refused = factory.resolve(istioMutual(List.of(RATINGS.toString())), TlsUpstream.mesh("127.0.0.1", Set.of()));

    assertThat(get(OkHttpClients.with(allowed), server.url())).startsWith("200");
    assertThatThrownBy(() -> get(OkHttpClients.with(refused), server.url()))
        .isInstanceOf(SSLPeerUnverifiedException.class);
  }

  @Test
  void autoMtlsSpeaksMtlsToAMeshWorkloadAndPlaintextToOthers() throws Exception {
    ClientTls mesh = factory.resolve(null, TlsUpstream.mesh("127.0.0.1", Set.of(REVIEWS)));
    ClientTls external = factory.resolve(null, TlsUpstream.external("api.example.com"));
    ClientTls disabled = factory.resolve(null, TlsUpstream.mesh("127.0.0.1", Set.of(REVIEWS)).withServerMode(Mode.DISABLE));
    ClientTls permissive = factory.resolve(null,
        TlsUpstream.mesh("127.0.0.1", Set.of(REVIEWS)).withServerMode(Mode.PERMISSIVE));

    assertThat(mesh.mode()).isEqualTo(TlsMode.ISTIO_MUTUAL);
    assertThat(mesh.automatic()).isTrue();
    assertThat(get(OkHttpClients.with(mesh), server.url())).startsWith("200 hello");
    assertThat(external).isSameAs(ClientTls.AUTO_PLAINTEXT);
    assertThat(external.scheme()).isEqualTo("http");
    assertThat(disabled).isSameAs(ClientTls.AUTO_PLAINTEXT);
    assertThat(permissive).isSameAs(mesh);
    ClientTls explicit = factory.resolve(istioMutual(List.of()), TlsUpstream.mesh("127.0.0.1", Set.of(REVIEWS)));
    assertThat(explicit.hostnameVerifier()).as("one pool for explicit and auto mTLS").isSameAs(mesh.hostnameVerifier());
    assertThat(ClientTlsFactory.withoutMeshIdentity().resolve(null, TlsUpstream.mesh("reviews", Set.of(REVIEWS))))
        .isSameAs(ClientTls.AUTO_PLAINTEXT);
  }

  @Test
  void anEndpointIsInTheMeshByItsTlsModeLabelOrElseItsServiceAccount() {
    assertThat(TlsUpstream.isMeshEndpoint("reviews", java.util.Map.of())).isTrue();
    assertThat(TlsUpstream.isMeshEndpoint(null, java.util.Map.of())).isFalse();
    assertThat(TlsUpstream.isMeshEndpoint(null, java.util.Map.of(TlsUpstream.TLS_MODE_LABEL, "istio"))).isTrue();
    assertThat(TlsUpstream.isMeshEndpoint("reviews", java.util.Map.of(TlsUpstream.TLS_MODE_LABEL, "disabled"))).isFalse();
  }

  @Test
  void aTlsBlockDecidesEvenWithoutAMode() {
    ClientTlsSettings noMode = new ClientTlsSettings(null, null, null, null, null, List.of(), null, null, null);
    ClientTlsSettings disable = new ClientTlsSettings(TlsMode.DISABLE, null, null, null, null, List.of(), null, null, null);
    TlsUpstream mesh = TlsUpstream.mesh("reviews", Set.of(REVIEWS));

    assertThat(factory.resolve(noMode, mesh)).isSameAs(ClientTls.DISABLED);
    assertThat(factory.resolve(disable, mesh)).isSameAs(ClientTls.DISABLED);
    assertThat(ClientTls.DISABLED.automatic()).isFalse();
  }

  @Test
  void everyMeshValueSharesTheWorkloadsOneSocketFactory() {
    ClientTls a = factory.resolve(istioMutual(List.of()), TlsUpstream.mesh("reviews", Set.of(REVIEWS)));
    ClientTls b = factory.resolve(istioMutual(List.of()), TlsUpstream.mesh("reviews-2", Set.of(REVIEWS)));
    ClientTls c = factory.resolve(istioMutual(List.of()), TlsUpstream.mesh("ratings", Set.of(RATINGS)));

    assertThat(b).isSameAs(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(c.sslSocketFactory()).isSameAs(a.sslSocketFactory());
    assertThat(c.trustManager()).isSameAs(a.trustManager());
  }

  @Test
  void istioMutualNeedsSpiffeIdsAndAMeshIdentity() {
    assertThatThrownBy(() -> factory.resolve(istioMutual(List.of("reviews.bookinfo")), TlsUpstream.mesh("r", Set.of())))
        .hasMessageStartingWith("tls.subjectAltNames[0]: SPIFFE ID \"reviews.bookinfo\"")
        .hasMessageEndingWith("(ISTIO_MUTUAL verifies SPIFFE IDs: expected spiffe://<trust-domain>/ns/<ns>/sa/<sa>)");
    assertThatThrownBy(() -> ClientTlsFactory.withoutMeshIdentity().resolve(istioMutual(List.of()),
        TlsUpstream.mesh("reviews", Set.of())))
        .hasMessageStartingWith("tls.mode: ISTIO_MUTUAL toward reviews needs this workload's mesh certificate");
  }
}
