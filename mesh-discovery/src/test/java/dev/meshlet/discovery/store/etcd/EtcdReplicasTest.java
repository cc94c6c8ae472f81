package dev.meshlet.discovery.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.discovery.testing.EtcdCluster;
import dev.meshlet.discovery.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery replicas over one real three-member etcd cluster (Debian's etcd-server). */
class EtcdReplicasTest {
  private static EtcdCluster etcd;

  @TempDir Path tmp;
  // Each test its own prefix: one etcd cluster serves the whole class, one mesh per prefix.
  private final String prefix = "/t-" + UUID.randomUUID() + "/";
  private final List<TestServer> replicas = new ArrayList<>();

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdCluster.start(3);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void stopReplicas() throws Exception {
    for (TestServer r : replicas) {
      r.close();
    }
  }

  private TestServer replica(String name, Duration leaseTtl) throws Exception {
    TestServer r = TestServer.startOnEtcd(tmp.resolve(name), etcd.endpoints(), prefix, leaseTtl);
    replicas.add(r);
    return r;
  }

  private static String vs(String name) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: default}
        spec:
          hosts: [%s]
          http:
          - route:
            - destination: {host: %s}
        """.formatted(name, name, name);
  }

  private static ResourceId vsId(String name) {
    return new ResourceId(Kind.VIRTUAL_SERVICE, "default", name);
  }

  @Test
  void everyReplicaSharesOneCaOneAdminTokenAndOneHistoryOfVersions() throws Exception {
    TestServer a = replica("a", Duration.ofSeconds(30));
    TestServer b = replica("b", Duration.ofSeconds(30));
    TestServer c = replica("c", Duration.ofSeconds(30));

    assertThat(b.admin()).isEqualTo(a.admin());
    assertThat(c.admin()).isEqualTo(a.admin());
    assertThat(b.server.ca().rootsPem()).isEqualTo(a.server.ca().rootsPem());
    // The same intermediate signs everywhere: the same signing key, not only the same roots.
    assertThat(Files.readAllBytes(c.dir.resolve("ca/ca-key.pem"))).isEqualTo(Files.readAllBytes(a.dir.resolve("ca/ca-key.pem")));
    assertThat(b.server.store().id()).isEqualTo(a.server.store().id());
    // One replica may not rotate the shared root alone.
    TestServer.Reply rotate = c.call("POST", "/v1/ca/rotate", c.admin(), okhttp3.RequestBody.create(new byte[0]));
    assertThat(rotate.status()).isEqualTo(409);
    assertThat(rotate.body()).contains("etcd store");
    assertThat(c.server.ca().rootsPem()).isEqualTo(a.server.ca().rootsPem());

    TestServer.Reply applied = b.apply(vs("reviews"));
    assertThat(applied.status()).isEqualTo(200);
    long version = applied.json().path("version").asLong();
    for (TestServer r : List.of(a, b, c)) {
      eventually("replica " + r.url() + " has version " + version, () -> r.version() >= version);
      assertThat(r.server.store().state().config().get(vsId("reviews")).modVersion()).isEqualTo(version);
      assertThat(r.call("GET", "/v1/config/virtualservices/default/reviews", r.admin(), null).status()).isEqualTo(200);
    }
  }

  @Test
  void aTokenGrantedThroughOneReplicaWorksAtAnotherAtOnceAndSoDoesItsLease() throws Exception {
    TestServer a = replica("a", Duration.ofSeconds(30));
    TestServer b = replica("b", Duration.ofSeconds(30));
    TestServer c = replica("c", Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      // No waiting between the steps: a replica whose watch has not caught up reads etcd.
      String token = a.token("reviews" + i, "default");
      LeaseGrant lease = b.register(token, TestServer.workload("reviews" + i, "default", "10.0.0." + (i + 1), Map.of()));
      assertThat(c.call("POST", "/v1/registrations/" + lease.leaseId() + "/renew", token, okhttp3.RequestBody.create(new byte[0]))
          .status()).isEqualTo(200);
    }
  }

  @Test
  void aLapsedLeaseRemovesTheEndpointFromEveryReplicaEvenWithTheGrantingReplicaGone() throws Exception {
    TestServer a = replica("a", Duration.ofSeconds(2));
    TestServer b = replica("b", Duration.ofSeconds(2));
    TestServer c = replica("c", Duration.ofSeconds(2));
    String token = a.token("reviews", "default");
    LeaseGrant lapsing = a.register(token, TestServer.workload("reviews", "default", "10.0.0.1", Map.of("app", "reviews")));
    LeaseGrant renewed = b.register(token, TestServer.workload("reviews", "default", "10.0.0.2", Map.of("app", "reviews")));
    for (TestServer r : List.of(b, c)) {
      eventually("both registrations at " + r.url(), () -> r.server.store().state().registrations().keySet()
          .containsAll(List.of(lapsing.leaseId(), renewed.leaseId())));
    }
    replicas.remove(a);
    a.close(); // nobody that granted the lapsing lease is left to notice

    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (b.server.store().state().registrations().containsKey(lapsing.leaseId())
        || c.server.store().state().registrations().containsKey(lapsing.leaseId())) {
      assertThat(System.nanoTime()).as("the lapsed lease is gone from every replica within 15 s").isLessThan(deadline);
      // The other lease is renewed through a replica that did not grant it.
      assertThat(c.call("POST", "/v1/registrations/" + renewed.leaseId() + "/renew", token, okhttp3.RequestBody.create(new byte[0]))
          .status()).isEqualTo(200);
      Thread.sleep(300);
    }
    assertThat(b.server.store().state().registrations()).containsKey(renewed.leaseId());
    assertThat(c.server.store().state().registrations()).containsKey(renewed.leaseId());
    assertThat(b.call("POST", "/v1/registrations/" + lapsing.leaseId() + "/renew", token, okhttp3.RequestBody.create(new byte[0]))
        .status()).isEqualTo(404);
  }

  @Test
  void restartingEtcdAndEveryReplicaLosesNothingThatWasAcknowledged() throws Exception {
    TestServer a = replica("a", Duration.ofSeconds(30));
    TestServer b = replica("b", Duration.ofSeconds(30));
    String admin = a.admin();
    String roots = a.server.ca().rootsPem();
    long last = 0;
    for (int i = 0; i < 20; i++) {
      TestServer.Reply r = (i % 2 == 0 ? a : b).apply(vs("svc" + i));
      assertThat(r.status()).isEqualTo(200);
      last = r.json().path("version").asLong();
    }
    String token = b.token("reviews", "default");
    LeaseGrant lease = a.register(token, TestServer.workload("reviews", "default", "10.0.0.1", Map.of("app", "reviews")));
    for (TestServer r : List.copyOf(replicas)) {
      r.close();
    }
    replicas.clear();
    etcd.killAll();
    etcd.restartAll();

    // New data directories: whatever comes back came from etcd.
    TestServer c = replica("c-after", Duration.ofSeconds(30));
    TestServer d = replica("d-after", Duration.ofSeconds(30));
    for (TestServer r : List.of(c, d)) {
      assertThat(r.version()).isGreaterThanOrEqualTo(last);
      for (int i = 0; i < 20; i++) {
        assertThat(r.server.store().state().config()).containsKey(vsId("svc" + i));
      }
      assertThat(r.server.store().state().registrations()).containsKey(lease.leaseId());
      assertThat(r.admin()).isEqualTo(admin);
      assertThat(r.server.ca().rootsPem()).isEqualTo(roots);
    }
    // The bootstrap token granted before the restart still registers.
    assertThat(d.register(token, TestServer.workload("reviews", "default", "10.0.0.3", Map.of("app", "reviews"))).leaseId())
        .isNotBlank();
  }

  @Test
  void anEndpointThatIsNoUrlIsRefusedWithWhatWasExpected() {
    assertThatThrownBy(() -> EtcdStore.connect(List.of("127.0.0.1:2379"), "/meshlet/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:2379")
        .hasMessageContaining("expected: http://host:port");
    assertThatThrownBy(() -> EtcdStore.connect(etcd.endpoints(), "meshlet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ending in /");
  }

  private static void eventually(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
