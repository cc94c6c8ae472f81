package dev.meshlet.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbound walk without a server: what each rule decides for a request. */
class InboundChainTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  MeshFixture mesh;
  VerifiedPeer productpage;
  InboundTelemetry telemetry = InboundTelemetry.NOOP;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new MeshFixture(dir);
    productpage = new VerifiedPeer(MeshFixture.CLIENT.spiffeId(), mesh.clientCerts.current().certificate());
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  InboundContext context() {
    return InboundContext.of(mesh.snapshot::get, MeshFixture.SERVER, Map.of("app", "reviews"), mesh.serverCerts,
        call -> telemetry.start(call), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static InboundRequest request(int port, @Nullable VerifiedPeer peer, Map<String, String> headers) {
    return new InboundRequest("GET", "/reviews/1?x=1", "reviews:" + port, RequestHeaders.of(headers), peer != null, peer,
        null, null, port, null);
  }

  @Test
  void portLevelMtlsMakesOnlyThatPortStrict() {
    mesh.apply("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          selector: {matchLabels: {app: reviews}}
          mtls: {mode: PERMISSIVE}
          portLevelMtls:
            9443: {mode: STRICT}
        """);
    InboundChain chain = InboundChains.of(context()).current();

    assertThat(chain.begin(request(9080, null, Map.of())).admitted()).isTrue();
    Refusal refusal = chain.begin(request(9443, null, Map.of())).refusal();
    assertThat(refusal).isNotNull();
    assertThat(refusal.closeConnection()).isTrue();
    assertThat(refusal.body()).startsWith("mTLS required");
    assertThat(chain.begin(request(9443, productpage, Map.of())).admitted()).isTrue();
  }

  @Test
  void disableRefusesTlsConnections() {
    mesh.apply("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: bookinfo}
        spec:
          mtls: {mode: DISABLE}
        """);
    InboundChain chain = InboundChains.of(context()).current();

    assertThat(chain.begin(request(9080, null, Map.of())).admitted()).isTrue();
    assertThat(Objects.requireNonNull(chain.begin(request(9080, productpage, Map.of())).refusal()).body())
        .startsWith("plaintext required");
  }

  @Test
  void theDeadlineIsAnAbsoluteInstantOnTheContextsClock() {
    InboundCall call = InboundChains.of(context()).current()
        .begin(request(9080, null, Map.of(InboundHeaders.DEADLINE_MS, "250")));

    assertThat(call.scope().deadline()).contains(NOW.plusMillis(250));
    assertThat(InboundChains.of(context()).current()
        .begin(request(9080, null, Map.of(InboundHeaders.DEADLINE_MS, "-3"))).refusal())
        .extracting(Refusal::status, Refusal::responseFlags).containsExactly(504, "UT");
  }

  @Test
  void requestsThatAlternateCallerAndAddressAreEachDecidedOnTheirOwn() throws Exception {
    // The chain keeps the last caller's identity and connection attributes: a different caller,
    // another connection of the same caller, or another address must not get the last one's decision.
    mesh.apply("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow, namespace: bookinfo}
        spec:
          rules:
          - from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/productpage"], ipBlocks: ["10.0.0.0/8"]}}]
        """);
    InboundChain chain = InboundChains.of(context()).current();
    java.net.InetAddress inside = java.net.InetAddress.getByName("10.1.2.3");
    java.net.InetAddress outside = java.net.InetAddress.getByName("192.168.1.1");
    VerifiedPeer sameCallerOtherConnection = new VerifiedPeer(productpage.spiffeId(), productpage.certificate());
    VerifiedPeer other = new VerifiedPeer(MeshFixture.SERVER.spiffeId(), mesh.serverCerts.current().certificate());

    for (int round = 0; round < 2; round++) {
      assertThat(chain.begin(from(productpage, inside)).admitted()).isTrue();
      assertThat(chain.begin(from(productpage, outside)).admitted()).isFalse();
      assertThat(chain.begin(from(other, inside)).admitted()).isFalse();
      InboundCall again = chain.begin(from(sameCallerOtherConnection, inside));
      assertThat(again.admitted()).isTrue();
      assertThat(again.peer()).containsSame(sameCallerOtherConnection);
      assertThat(again.source().principal()).isEqualTo("cluster.local/ns/bookinfo/sa/productpage");
      assertThat(chain.begin(from(null, inside)).admitted()).isFalse();
    }
  }

  static InboundRequest from(@Nullable VerifiedPeer peer, java.net.InetAddress remote) {
    return new InboundRequest("GET", "/reviews/1", "reviews:9080", RequestHeaders.of(Map.of()), peer != null, peer,
        remote, null, 9080, null);
  }

  @Test
  void aFailingTelemetryNeverFailsTheRequest() {
    telemetry = call -> {
      throw new IllegalStateException("exporter down");
    };
    InboundCall call = InboundChains.of(context()).current().begin(request(9080, productpage, Map.of()));

    assertThat(call.admitted()).isTrue();
    call.end(200, null);
  }

  @Test
  void theChainIsCompiledOncePerSnapshot() {
    InboundChains chains = InboundChains.of(context());
    InboundChain first = chains.current();

    assertThat(chains.current()).isSameAs(first);
    mesh.apply("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: bookinfo}
        spec:
          mtls: {mode: STRICT}
        """);
    InboundChain second = chains.current();
    assertThat(second).isNotSameAs(first);
    assertThat(chains.current()).isSameAs(second);
  }

  @Test
  void aSnapshotWhosePoliciesCannotBeEnforcedKeepsTheLastGoodChain() {
    mesh.apply(DENY_ADMIN);
    InboundChains chains = InboundChains.of(context());
    assertThat(chains.current().begin(adminRequest()).refusal()).extracting(Refusal::status).isEqualTo(403);

    mesh.snapshot.set(unvalidated(2, CUSTOM));

    assertThat(chains.current().authorizer().policies()).containsExactly("bookinfo/deny-admin");
    assertThat(chains.current().begin(adminRequest()).refusal()).extracting(Refusal::status).isEqualTo(403);
  }

  @Test
  void aFirstSnapshotWhosePoliciesCannotBeEnforcedFailsClosed() {
    mesh.snapshot.set(unvalidated(1, CUSTOM));

    Refusal refusal = InboundChains.of(context()).current().begin(request(9080, productpage, Map.of())).refusal();

    assertThat(refusal).isNotNull();
    assertThat(refusal.status()).isEqualTo(503);
    assertThat(refusal.body()).contains("bookinfo/external", "CUSTOM");
  }

  static InboundRequest adminRequest() {
    return new InboundRequest("GET", "/admin", "reviews", RequestHeaders.NONE, false, null, null, null, 9080, null);
  }

  static final String DENY_ADMIN = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: deny-admin, namespace: bookinfo}
      spec:
        action: DENY
        rules:
        - to: [{operation: {paths: ["/admin"]}}]
      """;

  static final String CUSTOM = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: external, namespace: bookinfo}
      spec:
        action: CUSTOM
        provider: {name: ext-authz}
        rules:
        - to: [{operation: {paths: ["/"]}}]
      """;

  /** A snapshot validation would have refused, as a buggy source could still hand over. */
  static ConfigSnapshot unvalidated(long version, String yaml) {
    List<Resource<?>> resources = ConfigReader.read("bad.yaml", yaml).stream()
        .map(ResourceReport::resource).filter(Objects::nonNull).<Resource<?>>map(r -> r).toList();
    assertThat(resources).isNotEmpty();
    return ConfigSnapshot.of(version, resources);
  }
}
