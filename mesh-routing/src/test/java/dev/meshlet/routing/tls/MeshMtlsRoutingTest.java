package dev.meshlet.routing.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.testing.MeshHttpsServer;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attempts over mesh mTLS: a wrapped client calling {@code http://reviews/...} reaches a STRICT
 * mTLS server with the caller's workload certificate, checks the server's SPIFFE ID against the
 * destination's service accounts, and stays in plaintext where auto mTLS or the DestinationRule
 * says so.
 */
class MeshMtlsRoutingTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SpiffeId REVIEWS_ID = WorkloadIdentity.of("default", "reviews").spiffeId();
  private static final SpiffeId PRODUCTPAGE_ID = WorkloadIdentity.of("default", "productpage").spiffeId();

  private final MeshFixture mesh = new MeshFixture();
  private WorkloadCertificateManager serverCerts;
  private WorkloadCertificateManager clientCerts;
  private MeshHttpsServer server;

  @BeforeEach
  void start() throws Exception {
    CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(REVIEWS_ID, new InProcessSigner(ca, REVIEWS_ID)).start();
    clientCerts = WorkloadCertificateManager.builder(PRODUCTPAGE_ID, new InProcessSigner(ca, PRODUCTPAGE_ID)).start();
    server = MeshHttpsServer.start(serverCerts.sslContext());
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
    server.close();
    serverCerts.close();
    clientCerts.close();
  }

  private void startMesh() {
    mesh.start(CallerIdentity.of("productpage", "default"), 42, b -> b.clientTls(ClientTlsFactory.of(clientCerts)));
  }

  /** The distinct bodies of twenty calls to reviews: which endpoints answered, in whichever TLS. */
  private Set<String> twentyCalls() throws Exception {
    Set<String> bodies = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      bodies.add(mesh.body("http://reviews/reviews/" + i));
    }
    return bodies;
  }

  /** A plaintext server that registered as reviews with a service account: auto mTLS sees a mesh workload. */
  private Backend plainServerRegisteredAsMeshWorkload() {
    Backend plain = mesh.backend(REVIEWS, "plain");
    mesh.endpoints.set(dev.meshlet.routing.endpoint.EndpointRegistry.builder()
        .add(REVIEWS, workload(plain.port(), "reviews")).build());
    return plain;
  }

  private static Endpoint workload(int port, String serviceAccount) {
    return new Endpoint("127.0.0.1", port, Map.of(), null, 1, serviceAccount);
  }

  @Test
  void autoMtlsReachesAStrictServerThatSeesTheCallersSpiffeId() throws Exception {
    mesh.register(REVIEWS, workload(server.port(), "reviews"));
    startMesh();

    assertThat(mesh.body("http://reviews/reviews/0")).isEqualTo("hello cluster.local/ns/default/sa/productpage\n");
    assertThat(mesh.body("http://reviews/reviews/1")).isEqualTo("hello cluster.local/ns/default/sa/productpage\n");
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void aServerWhoseIdentityIsNotTheDestinationsServiceAccountIsRefused() throws Exception {
    mesh.register(REVIEWS, workload(server.port(), "ratings"));
    startMesh();

    assertThatThrownBy(() -> mesh.get("http://reviews/reviews/0"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UF))
        .hasMessageContaining("outbound|80||" + REVIEWS)
        .hasMessageContaining("SPIFFE ID is not one the destination may have")
        .hasMessageContaining("spiffe://cluster.local/ns/default/sa/ratings");
    assertThat(server.requests()).isZero();
  }

  @Test
  void anEndpointOutsideTheMeshIsCalledInPlaintext() throws Exception {
    Backend plain = mesh.backend(REVIEWS, "plain");
    startMesh();

    assertThat(mesh.body("http://reviews/reviews/0")).isEqualTo("plain");
    assertThat(plain.received()).hasSize(1);
  }

  @Test
  void autoMtlsDecidesPerEndpointWhenAClusterMixesMeshAndPlainWorkloads() throws Exception {
    Backend plain = mesh.backend(REVIEWS, "plain");
    mesh.register(REVIEWS, workload(server.port(), "reviews"));
    startMesh();

    assertThat(twentyCalls()).containsExactlyInAnyOrder("plain", "hello cluster.local/ns/default/sa/productpage\n");
    assertThat(plain.received()).isNotEmpty();
    assertThat(server.requests()).isPositive();
    assertThat(plain.received().size() + server.requests()).isEqualTo(20);
  }

  @Test
  void autoMtlsSendsPlaintextToAMeshWorkloadWhosePeerAuthenticationIsDisable() throws Exception {
    Backend plain = plainServerRegisteredAsMeshWorkload();
    mesh.config("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec: {mtls: {mode: DISABLE}}
        """);
    startMesh();

    assertThat(mesh.body("http://reviews/reviews/0")).isEqualTo("plain");
    assertThat(plain.received()).hasSize(1);
  }

  @Test
  void aPortLevelDisableOfOneWorkloadLeavesTheOthersOnMtls() throws Exception {
    Backend legacy = mesh.backend(REVIEWS, "legacy");
    mesh.endpoints.set(dev.meshlet.routing.endpoint.EndpointRegistry.builder()
        .add(REVIEWS, new Endpoint("127.0.0.1", legacy.port(), Map.of("app", "legacy"), null, 1, "reviews"))
        .add(REVIEWS, new Endpoint("127.0.0.1", server.port(), Map.of("app", "reviews"), null, 1, "reviews"))
        .build());
    mesh.config("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: strict, namespace: default}
        spec: {mtls: {mode: STRICT}}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: legacy, namespace: default}
        spec:
          selector: {matchLabels: {app: legacy}}
          portLevelMtls: {"%d": {mode: DISABLE}}
        """.formatted(legacy.port()));
    startMesh();

    assertThat(twentyCalls()).containsExactlyInAnyOrder("legacy", "hello cluster.local/ns/default/sa/productpage\n");
    assertThat(legacy.received().size() + server.requests()).isEqualTo(20);
  }

  @Test
  void destinationRuleTlsDisableForcesPlaintextToAMeshWorkload() throws Exception {
    Backend plain = plainServerRegisteredAsMeshWorkload();
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy: {tls: {mode: DISABLE}}
        """);
    startMesh();

    assertThat(mesh.body("http://reviews/reviews/0")).isEqualTo("plain");
  }

  @Test
  void destinationRuleIstioMutualWithSubjectAltNamesDecidesTheServersIdentity() throws Exception {
    mesh.register(REVIEWS, workload(server.port(), "ratings"));
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            tls: {mode: ISTIO_MUTUAL, subjectAltNames: ["spiffe://cluster.local/ns/default/sa/reviews"]}
        """);
    startMesh();

    assertThat(mesh.body("http://reviews/reviews/0")).isEqualTo("hello cluster.local/ns/default/sa/productpage\n");
  }

  @Test
  void withoutAClientTlsFactoryEveryAttemptIsPlaintextAsBefore() throws Exception {
    Backend plain = plainServerRegisteredAsMeshWorkload();
    mesh.start();

    assertThat(mesh.body("http://reviews/reviews/0")).isEqualTo("plain");
  }
}
