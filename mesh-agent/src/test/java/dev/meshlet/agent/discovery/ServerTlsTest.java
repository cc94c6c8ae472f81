package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.testing.TestPki;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent talks to an {@code https} discovery server only when its certificate chains to the
 * mesh's roots and names the discovery server's SPIFFE ID. The server here is OkHttp's
 * MockWebServer speaking the protocol, because the real server has no TLS yet.
 */
class ServerTlsTest {
  private static final Instant NOW = Instant.now();
  private static final String FULL = """
      {"type":"FULL","version":3,"resources":[{"apiVersion":"networking.istio.io/v1","kind":"VirtualService",\
      "metadata":{"name":"reviews","namespace":"default"},"spec":{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews"}}]}]}}]}
      """;

  private final TestPki mesh = new TestPki("mesh root", NOW);
  private final AtomicInteger requests = new AtomicInteger();
  private MockWebServer server;
  private DiscoveryAgent agent;

  @AfterEach
  void close() {
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void serve(TestPki.Leaf certificate) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", certificate.keys().getPrivate(), new char[0], certificate.chainArray());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = new MockWebServer();
    server.useHttps(tls.getSocketFactory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.incrementAndGet();
        String path = request.getUrl().encodedPath();
        if (path.equals("/v1/registrations")) {
          return json(201, ProtocolJson.write(new LeaseGrant("l-1", "productpage-1", 30, 2)));
        }
        if (path.equals("/v1/watch")) {
          return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/x-ndjson").body(FULL).build();
        }
        return json(200, "{}");
      }
    });
    server.start();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  private TestPki.Leaf serverCertificate(TestPki ca, SpiffeId id) {
    return ca.leaf(List.of(id.toString()), new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth},
        NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)));
  }

  private DiscoveryAgent start(X509Certificate root) {
    DiscoveryConfig config = DiscoveryConfig.builder()
        .servers(server.url("/").toString())
        .token("mlb_test")
        .identity("productpage", "default", "productpage")
        .address("10.0.0.1")
        .ports(Map.of("http", 9080))
        .trustedRoots(List.of(root))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .build();
    agent = DiscoveryAgent.builder(config, view -> ApplyOutcome.applied()).start();
    return agent;
  }

  @Test
  void talksToAServerWhoseCertificateChainsToTheMeshRootsAndNamesTheDiscoveryServer() throws Exception {
    serve(serverCertificate(mesh, DiscoveryConfig.DEFAULT_SERVER_IDENTITY));
    CentralView view = start(mesh.root()).awaitView(Duration.ofSeconds(5));
    assertThat(view.version()).isEqualTo(3);
    assertThat(view.resources()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("reviews"));
  }

  @Test
  void refusesAServerWhoseCertificateComesFromAnotherCa() throws Exception {
    TestPki stranger = new TestPki("stranger", NOW);
    serve(serverCertificate(stranger, DiscoveryConfig.DEFAULT_SERVER_IDENTITY));
    DiscoveryAgent a = start(mesh.root());
    assertThatThrownBy(() -> a.awaitView(Duration.ofMillis(800))).isInstanceOf(TimeoutException.class);
    assertThat(requests).as("no request is sent to a server that failed the handshake").hasValue(0);
    assertThat(a.status().lastError()).isNotNull();
  }

  @Test
  void newRootsTakeEffectOnTheNextConnection() throws Exception {
    serve(serverCertificate(mesh, DiscoveryConfig.DEFAULT_SERVER_IDENTITY));
    DiscoveryAgent a = start(new TestPki("old root", NOW).root());
    assertThatThrownBy(() -> a.awaitView(Duration.ofMillis(500))).isInstanceOf(TimeoutException.class);

    a.updateTrustedRoots(List.of(mesh.root()));
    assertThat(a.awaitView(Duration.ofSeconds(5)).version()).isEqualTo(3);
  }

  @Test
  void refusesAServerOfTheMeshThatIsNotTheDiscoveryServer() throws Exception {
    serve(serverCertificate(mesh, SpiffeId.parse("spiffe://cluster.local/ns/default/sa/reviews")));
    DiscoveryAgent a = start(mesh.root());
    assertThatThrownBy(() -> a.awaitView(Duration.ofMillis(800))).isInstanceOf(TimeoutException.class);
    assertThat(requests).hasValue(0);
  }
}
