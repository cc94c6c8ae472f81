package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a workload holds its certificate, the agent proves itself with it (mTLS) and not with the
 * bootstrap token; and a rotation of the mesh root reaches the agent and the Mesh while they keep
 * working. A real TLS server, real certificates from its CA.
 */
class AgentCertificateTest {
  @TempDir Path tmp;
  private final OkHttpClient base = new OkHttpClient();

  @AfterEach
  void release() {
    base.connectionPool().evictAll();
    base.dispatcher().executorService().shutdown();
  }

  private static DiscoveryConfig.Builder config(LocalDiscovery server, String service, String token) throws Exception {
    return DiscoveryConfig.builder()
        .servers(server.url())
        .token(token)
        .identity(service, "default", service)
        .address("10.0.0.1")
        .ports(Map.of("http", 9080))
        .trustedRoots(server.roots())
        .streamIdleTimeout(Duration.ofSeconds(2))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .connectTimeout(Duration.ofSeconds(2));
  }

  /** The workload's first certificate, by its bootstrap token, as a service gets it at start. */
  private WorkloadCertificateManager firstCertificate(LocalDiscovery server, String service) throws Exception {
    DiscoveryCertificateSigner signer = DiscoveryCertificateSigner.create(
        config(server, service, server.token(service, "default")).build(), base);
    WorkloadCertificateManager certs = WorkloadCertificateManager.builder(signer.identity(), signer).start();
    signer.authenticateWith(certs.keyManager());
    return certs;
  }

  @Test
  void withItsCertificateTheAgentRegistersWatchesAndAcksWithoutTheToken() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"));
        WorkloadCertificateManager certs = firstCertificate(server, "productpage")) {
      server.apply(DiscoveryAgentTest.REVIEWS_VS);
      RecordingListener listener = new RecordingListener();
      // A token the server does not know (one revoked after bootstrap): only the certificate can prove anything.
      DiscoveryConfig config = config(server, "productpage", "mlb_revoked").build();

      try (DiscoveryAgent agent = DiscoveryAgent.builder(config, listener).certificates(certs).random(new Random(1)).start()) {
        assertThat(agent.usesClientCertificate()).isTrue();
        listener.await(v -> RecordingListener.has(v, "VirtualService", "reviews"));
        long v = server.apply(DiscoveryAgentTest.REVIEWS_DR);
        listener.await(view -> view.version() == v);
        eventually("SYNCED at " + v, () -> server.status().stream()
            .anyMatch(s -> s.service().equals("productpage") && s.status() == SyncStatus.SYNCED && s.versionAcked() == v));
      }
      assertThat(server.status()).as("deregistered over mTLS too").isEmpty();
    }
  }

  @Test
  void aTokenAgentSwitchesToItsCertificateOnceItHasOne() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"), true, Duration.ofMillis(1500));
        WorkloadCertificateManager certs = firstCertificate(server, "productpage")) {
      String token = server.token("productpage", "default");
      RecordingListener listener = new RecordingListener();
      try (DiscoveryAgent agent = DiscoveryAgent.builder(config(server, "productpage", token).build(), listener).start()) {
        listener.await(v -> true);
        assertThat(agent.usesClientCertificate()).isFalse();

        agent.authenticateWith(certs.keyManager());
        long v = server.apply(DiscoveryAgentTest.REVIEWS_VS);

        assertThat(agent.usesClientCertificate()).isTrue();
        listener.await(view -> view.version() == v);
        eventually("SYNCED at " + v, () -> server.status().stream().anyMatch(s -> s.versionAcked() == v));
        // Renewals (every 0.5 s here) keep the lease over mTLS.
        Thread.sleep(2000);
        assertThat(server.status()).singleElement().satisfies(s -> assertThat(s.leaseId()).isEqualTo(agent.status().leaseId()));
      }
    }
  }

  @Test
  void aCertificateForOneServiceCannotRegisterAnother() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"));
        WorkloadCertificateManager productpage = firstCertificate(server, "productpage")) {
      DiscoveryConfig asRatings = config(server, "ratings", "mlb_revoked").build();

      assertThatThrownBy(() -> DiscoveryAgent.builder(asRatings, new RecordingListener()).certificates(productpage).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("cluster.local/ns/default/sa/productpage")
          .hasMessageContaining("cannot register as cluster.local/ns/default/sa/ratings");
      assertThat(server.status()).isEmpty();
    }
  }

  @Test
  void aRootRotationReachesTheAgentAndTheMeshWhichKeepWorkingAcrossAServerRestart() throws Exception {
    // Leases of 1.5 s: the agent renews, and reads the trust bundle, every 0.5 s.
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"), true, Duration.ofMillis(1500))) {
      List<X509Certificate> oldRoots = server.roots();
      String token = server.token("productpage", "default");
      DiscoveryConfig.Builder settings = config(server, "productpage", token);
      DiscoveryCertificateSigner signer = DiscoveryCertificateSigner.create(settings.build(), base);
      DiscoveryAgentSource source = DiscoveryAgentSource.of(b -> b.servers(server.url()).token(token).trustedRoots(oldRoots)
          .streamIdleTimeout(Duration.ofSeconds(2)).backoff(Duration.ofMillis(50), Duration.ofMillis(400)));
      try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage").withPort("http", 9080))
          .certificateSigner(signer)
          .discovery(source)
          .build()) {
        assertThat(mesh.awaitReady(Duration.ofSeconds(10))).as("ready: waiting for %s", mesh.waitingFor()).isTrue();
        // Renewals present the certificate and check servers against the Mesh's trust bundle.
        signer.authenticateWith(mesh.certificates().orElseThrow());
        DiscoveryAgent agent = source.agent();
        assertThat(agent).isNotNull();
        assertThat(agent.usesClientCertificate()).as("the Mesh's certificate is the agent's credential").isTrue();

        LocalDiscovery.Reply rotated = server.call("POST", "/v1/ca/rotate", "{}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        List<X509Certificate> bothRoots = server.roots();
        assertThat(bothRoots).hasSize(2).contains(oldRoots.get(0));

        WorkloadCertificateManager certs = mesh.certificates().orElseThrow();
        eventually("the Mesh trusts both roots", () -> certs.current().trustBundle().roots().containsAll(bothRoots));

        // The server restarts with a certificate from the new root: only an agent that learned it connects.
        server.stop();
        server.startAgain();
        long v = server.apply(DiscoveryAgentTest.REVIEWS_VS);
        eventually("the Mesh applies version " + v + " from the restarted server",
            () -> !mesh.config().virtualServices(Hosts.fqdn("reviews", "default")).isEmpty());
        eventually("SYNCED at " + v, () -> server.status().stream()
            .anyMatch(s -> s.service().equals("productpage") && s.status() == SyncStatus.SYNCED && s.versionAcked() >= v));

        // The workload's next certificate chains to the new root.
        X509Certificate leaf = certs.rotateNow().certificate();
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(bothRoots.get(0).getSubjectX500Principal());
      }
    }
  }

  private static void eventually(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
