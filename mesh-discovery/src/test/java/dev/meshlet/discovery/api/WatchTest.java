package dev.meshlet.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ProxyStatus;
import dev.meshlet.core.protocol.ResourceRef;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.discovery.testing.SimulatedAgent;
import dev.meshlet.discovery.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {
  static final String REVIEWS_VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
      """;

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static List<String> names(WatchEvent e) {
    return e.resources().stream()
        .map(r -> r.path("kind").asText() + " " + r.path("metadata").path("namespace").asText("default") + "/"
            + r.path("metadata").path("name").asText())
        .toList();
  }

  private static List<String> services(WatchEvent e) {
    return e.endpoints().stream().map(Endpoint::workload).map(w -> w.service() + "@" + w.address()).toList();
  }

  private ProxyStatus status(String leaseId) throws Exception {
    ProxyStatus[] all = ProtocolJson.read(server.call("GET", "/v1/status", server.admin(), null).body(), ProxyStatus[].class);
    for (ProxyStatus s : all) {
      if (s.leaseId().equals(leaseId)) {
        return s;
      }
    }
    throw new AssertionError("no status for " + leaseId);
  }

  @Test
  void aWatchGetsTheFullViewFirstThenOnlyWhatChangesEachWithAVersion() throws Exception {
    server.apply(REVIEWS_VS);
    String token = server.token("productpage", "default");
    LeaseGrant lease = server.register(token, TestServer.workload("productpage", "default", "10.0.0.1", Map.of()));

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), null)) {
      WatchEvent full = agent.next();
      assertThat(full.type()).isEqualTo(WatchEvent.Type.FULL);
      assertThat(full.version()).isEqualTo(server.version());
      assertThat(names(full)).containsExactly("VirtualService default/reviews");
      assertThat(services(full)).containsExactly("productpage@10.0.0.1");

      server.apply(REVIEWS_VS.replace("host: reviews}", "host: reviews, subset: v2}"));
      WatchEvent changed = agent.next();
      assertThat(changed.type()).isEqualTo(WatchEvent.Type.DELTA);
      assertThat(changed.version()).isGreaterThan(full.version());
      assertThat(names(changed)).containsExactly("VirtualService default/reviews");
      assertThat(changed.endpoints()).as("only what changed").isEmpty();

      String reviewsToken = server.token("reviews", "default");
      LeaseGrant reviews = server.register(reviewsToken, TestServer.workload("reviews", "default", "10.0.0.2", Map.of("version", "v2")));
      WatchEvent added = agent.next();
      assertThat(services(added)).containsExactly("reviews@10.0.0.2");
      assertThat(added.version()).isGreaterThan(changed.version());

      server.call("DELETE", "/v1/registrations/" + reviews.leaseId(), reviewsToken, null);
      server.call("DELETE", "/v1/config/vs/default/reviews", server.admin(), null);
      WatchEvent removed = agent.next();
      if (removed.removedResources().isEmpty()) {
        assertThat(removed.removedEndpoints()).containsExactly(reviews.leaseId());
        removed = agent.next();
      }
      assertThat(removed.removedResources()).containsExactly(new ResourceRef("VirtualService", "default", "reviews"));
      assertThat(removed.version()).isEqualTo(server.version());
    }
  }

  @Test
  void aDeregistrationThatArrivesWhileTheServerStopsIsStoredAndAnsweredNotFailed() throws Exception {
    String token = server.token("a", "default");
    LeaseGrant lease = server.register(token, TestServer.workload("a", "default", "10.0.0.1", Map.of()));
    // Closing the server closes the push hub first; agents that stop at the same time still deregister.
    server.server.hub().close();

    TestServer.Reply gone = server.call("DELETE", "/v1/registrations/" + lease.leaseId(), token, null);

    assertThat(gone.status()).as(gone.body()).isEqualTo(200);
    assertThat(server.server.store().state().registrations()).doesNotContainKey(lease.leaseId());
  }

  @Test
  void heartbeatsKeepAnIdleStreamVisiblyAlive() throws Exception {
    String token = server.token("a", "default");
    LeaseGrant lease = server.register(token, TestServer.workload("a", "default", "10.0.0.1", Map.of()));
    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), null)) {
      assertThat(agent.nextAny().type()).isEqualTo(WatchEvent.Type.FULL);
      WatchEvent beat = agent.nextAny();
      assertThat(beat.type()).isEqualTo(WatchEvent.Type.HEARTBEAT);
      assertThat(beat.version()).isEqualTo(server.version());
    }
  }

  static final String BOOKINFO = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: front, namespace: default}
      spec:
        hosts: [productpage]
        http:
        - route:
          - destination: {host: reviews.bookinfo.svc.cluster.local}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: bookinfo}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: deny-none, namespace: default}
      spec: {}
      """;

  @Test
  void resumingWithSinceGetsOnlyWhatChangedAfterThatVersion() throws Exception {
    String token = server.token("productpage", "default");
    LeaseGrant lease = server.register(token, TestServer.workload("productpage", "default", "10.0.0.1", Map.of()));
    server.apply(BOOKINFO);
    long had;
    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), null)) {
      WatchEvent full = agent.next();
      had = full.version();
      assertThat(names(full)).hasSize(3);
      server.ack(token, lease.leaseId(), had, null);
    }
    // While the agent is away: one change, one removal, one new endpoint.
    server.apply(BOOKINFO.replace("subset: v1", "subset: v3"));
    server.call("DELETE", "/v1/config/ap/default/deny-none", server.admin(), null);
    String t2 = server.token("reviews", "bookinfo");
    server.register(t2, TestServer.workload("reviews", "bookinfo", "10.0.0.3", Map.of()));

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), had)) {
      WatchEvent resumed = agent.next();
      assertThat(resumed.type()).isEqualTo(WatchEvent.Type.DELTA);
      assertThat(resumed.version()).isEqualTo(server.version());
      assertThat(names(resumed)).containsExactly("VirtualService bookinfo/reviews");
      assertThat(resumed.removedResources()).containsExactly(new ResourceRef("AuthorizationPolicy", "default", "deny-none"));
      assertThat(services(resumed)).containsExactly("reviews@10.0.0.3");
    }

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), server.version())) {
      WatchEvent upToDate = agent.next();
      assertThat(upToDate.type()).isEqualTo(WatchEvent.Type.DELTA);
      assertThat(upToDate.isEmpty()).as("nothing changed since the version it has").isTrue();
    }

    long beforeScopeChange = server.version();
    server.apply(BOOKINFO.replace("reviews.bookinfo.svc.cluster.local", "ratings.bookinfo.svc.cluster.local"));
    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), beforeScopeChange)) {
      WatchEvent again = agent.next();
      assertThat(again.type()).as("its own rules changed what it may call: start over").isEqualTo(WatchEvent.Type.FULL);
      assertThat(names(again)).as("reviews is no longer called; ratings has no rules")
          .containsExactlyInAnyOrder("VirtualService default/front", "AuthorizationPolicy default/deny-none");
    }

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), server.version() + 100)) {
      assertThat(agent.next().type()).as("a version the server never made: start over").isEqualTo(WatchEvent.Type.FULL);
    }
  }

  @Test
  void ackAndNackShowInStatusAsSyncedNackedOrStale() throws Exception {
    String token = server.token("productpage", "default");
    LeaseGrant lease = server.register(token, TestServer.workload("productpage", "default", "10.0.0.1", Map.of()));
    assertThat(status(lease.leaseId()).status()).as("registered, never watched").isEqualTo(SyncStatus.STALE);

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), null)) {
      WatchEvent full = agent.next();
      ProxyStatus sent = status(lease.leaseId());
      assertThat(sent.versionSent()).isEqualTo(full.version());
      assertThat(sent.connected()).isTrue();
      assertThat(sent.connectedSince()).isEqualTo(server.clock.instant().toString());

      assertThat(server.ack(token, lease.leaseId(), full.version(), null).status()).isEqualTo(200);
      assertThat(status(lease.leaseId()).status()).isEqualTo(SyncStatus.SYNCED);

      server.apply(REVIEWS_VS);
      WatchEvent update = agent.next();
      assertThat(status(lease.leaseId()).status()).as("sent, not yet acknowledged").isEqualTo(SyncStatus.STALE);

      server.ack(token, lease.leaseId(), update.version(), "VirtualService default/reviews: cannot compile");
      ProxyStatus nacked = status(lease.leaseId());
      assertThat(nacked.status()).isEqualTo(SyncStatus.NACKED);
      assertThat(nacked.versionSent()).isEqualTo(update.version());
      assertThat(nacked.versionAcked()).isEqualTo(full.version());
      assertThat(nacked.lastNack()).contains("cannot compile");

      TestServer.Reply future = server.ack(token, lease.leaseId(), update.version() + 5, null);
      assertThat(future.status()).isEqualTo(400);
      assertThat(future.json().path("error").asText()).contains("never sent");
    }
  }

  @Test
  void proxyStatusFromMeshctlShowsTheTable() throws Exception {
    String token = server.token("productpage", "default");
    LeaseGrant lease = server.register(token, TestServer.workload("productpage", "default", "10.0.0.1", Map.of()));
    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), null)) {
      server.ack(token, lease.leaseId(), agent.next().version(), null);
      java.io.StringWriter out = new java.io.StringWriter();
      int code = dev.meshlet.discovery.cli.Meshctl.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
          "proxy-status", "--data", dir.toString());
      assertThat(code).isZero();
      assertThat(out.toString()).contains("NAME", "NAMESPACE", "VERSION SENT", "VERSION ACKED", "STATUS", "CONNECTED SINCE")
          .contains(lease.name()).contains("SYNCED");
    }
  }

  @Test
  void anExpiredLeaseRemovesTheEndpointAndWatchersAreTold() throws Exception {
    String ppToken = server.token("productpage", "default");
    LeaseGrant pp = server.register(ppToken, TestServer.workload("productpage", "default", "10.0.0.1", Map.of()));
    String rvToken = server.token("reviews", "default");
    LeaseGrant rv = server.register(rvToken, TestServer.workload("reviews", "default", "10.0.0.2", Map.of()));

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), ppToken, pp.leaseId(), null);
         SimulatedAgent expiring = new SimulatedAgent(server.http, server.url(), rvToken, rv.leaseId(), null)) {
      assertThat(services(agent.next())).containsExactlyInAnyOrder("productpage@10.0.0.1", "reviews@10.0.0.2");
      assertThat(expiring.next().type()).isEqualTo(WatchEvent.Type.FULL);

      server.clock.advance(Duration.ofSeconds(20));
      assertThat(server.call("POST", "/v1/registrations/" + pp.leaseId() + "/renew", ppToken, RequestBody.create(new byte[0]))
          .status()).isEqualTo(200);
      server.clock.advance(Duration.ofSeconds(20));
      assertThat(server.server.registry().expire()).as("reviews did not renew in 30 s; productpage did").isEqualTo(1);

      WatchEvent removal = agent.next();
      assertThat(removal.removedEndpoints()).containsExactly(rv.leaseId());
      expiring.awaitEnd();
      assertThat(expiring.ended).as("the expired agent's own stream ends cleanly; it must register again").isTrue();
      assertThat(server.call("POST", "/v1/registrations/" + rv.leaseId() + "/renew", rvToken, RequestBody.create(new byte[0]))
          .status()).as("too late to renew: register again").isEqualTo(404);
    }
  }

  @Test
  void aTokenForOneIdentityCannotRegisterOrActAsAnother() throws Exception {
    String reviews = server.token("reviews", "default");
    String ratings = server.token("ratings", "default");

    TestServer.Reply other = server.call("POST", "/v1/registrations", reviews,
        RequestBody.create(ProtocolJson.write(TestServer.workload("ratings", "default", "10.0.0.9", Map.of())), TestServer.JSON));
    TestServer.Reply otherNamespace = server.call("POST", "/v1/registrations", reviews,
        RequestBody.create(ProtocolJson.write(TestServer.workload("reviews", "prod", "10.0.0.9", Map.of())), TestServer.JSON));

    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().path("error").asText())
        .contains("the credential proves cluster.local/ns/default/sa/reviews").contains("cannot register as cluster.local/ns/default/sa/ratings");
    assertThat(otherNamespace.status()).isEqualTo(403);
    TestServer.Reply badPort = server.call("POST", "/v1/registrations", reviews, RequestBody.create(
        "{\"service\":\"reviews\",\"address\":\"10.0.0.9\",\"ports\":{\"http\":70000}}", TestServer.JSON));
    assertThat(badPort.status()).isEqualTo(400);
    assertThat(badPort.json().path("error").asText()).contains("ports.http: 70000 (expected: 1..65535)");

    LeaseGrant lease = server.register(ratings, TestServer.workload("ratings", "default", "10.0.0.3", Map.of()));
    assertThat(server.call("POST", "/v1/registrations/" + lease.leaseId() + "/renew", reviews, RequestBody.create(new byte[0])).status())
        .isEqualTo(403);
    assertThat(server.call("GET", "/v1/watch?lease=" + lease.leaseId(), reviews, null).status()).isEqualTo(403);
    assertThat(server.ack(reviews, lease.leaseId(), 0, null).status()).isEqualTo(403);
    assertThat(server.call("DELETE", "/v1/registrations/" + lease.leaseId(), reviews, null).status()).isEqualTo(403);
  }

  @Test
  void anAgentIsSentOnlyWhatItsSidecarScopeLetsItCall() throws Exception {
    server.apply(REVIEWS_VS + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: billing, namespace: payments}
        spec: {host: billing}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ledger, namespace: payments}
        spec: {host: ledger}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: checkout, namespace: shop}
        spec:
          hosts: [checkout]
          http:
          - route:
            - destination: {host: billing.payments.svc.cluster.local}
        """);
    String shopToken = server.token("checkout", "shop");
    LeaseGrant shop = server.register(shopToken, TestServer.workload("checkout", "shop", "10.0.1.1", Map.of()));
    String payToken = server.token("billing", "payments");
    server.register(payToken, TestServer.workload("billing", "payments", "10.0.2.1", Map.of()));
    String ledgerToken = server.token("ledger", "payments");
    server.register(ledgerToken, TestServer.workload("ledger", "payments", "10.0.2.2", Map.of()));

    try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), shopToken, shop.leaseId(), null)) {
      WatchEvent full = agent.next();
      assertThat(names(full)).as("its namespace, and billing, which its rules call")
          .containsExactlyInAnyOrder("VirtualService shop/checkout", "DestinationRule payments/billing");
      assertThat(services(full)).containsExactlyInAnyOrder("checkout@10.0.1.1", "billing@10.0.2.1");

      server.apply("""
          apiVersion: networking.istio.io/v1
          kind: Sidecar
          metadata: {name: default, namespace: shop}
          spec:
            egress:
            - hosts: ["./*", "payments/*"]
          """);
      WatchEvent widened = agent.next();
      assertThat(names(widened)).containsExactlyInAnyOrder("Sidecar shop/default", "DestinationRule payments/ledger");
      assertThat(services(widened)).containsExactly("ledger@10.0.2.2");

      server.apply("""
          apiVersion: networking.istio.io/v1
          kind: Sidecar
          metadata: {name: default, namespace: shop}
          spec:
            egress:
            - hosts: ["./*"]
          """);
      WatchEvent narrowed = agent.next();
      assertThat(narrowed.removedResources()).extracting(ResourceRef::name).containsExactlyInAnyOrder("billing", "ledger");
      assertThat(narrowed.removedEndpoints()).hasSize(2);
      assertThat(names(narrowed)).containsExactly("Sidecar shop/default");

      server.apply(REVIEWS_VS.replace("subset", "x").replace("host: reviews}", "host: reviews, subset: v9}"));
      agent.expectNoChangeFor(Duration.ofMillis(500));
    }
  }
}
