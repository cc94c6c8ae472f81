package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.protocol.SyncStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mesh facade fed by the discovery server through {@link DiscoveryAgentSource}. */
class DiscoveryAgentSourceTest {
  @TempDir Path tmp;

  @Test
  void aMeshWithTheAgentSourceAppliesWhatTheServerHoldsAndTheServerSeesItSynced() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"))) {
      server.apply(DiscoveryAgentTest.REVIEWS_VS);
      String token = server.token("productpage", "default");
      var roots = server.roots();
      DiscoveryAgentSource source = DiscoveryAgentSource.of(b -> b
          .servers(server.url())
          .token(token)
          .trustedRoots(roots)
          .connectTimeout(Duration.ofMillis(500)));

      try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1").withPort("http", 9080))
          .discovery(source)
          .build()) {
        assertThat(mesh.awaitReady(Duration.ofSeconds(10))).as("ready: waiting for %s", mesh.waitingFor()).isTrue();
        assertThat(mesh.config().virtualServices(Hosts.fqdn("reviews", "default")))
            .extracting(vs -> vs.id().name()).containsExactly("reviews");
        eventually(() -> server.status().stream()
            .anyMatch(s -> s.service().equals("productpage") && s.status() == SyncStatus.SYNCED));
        assertThat(source.status()).isNotNull();
      }
    }
  }

  @Test
  void closingARegisteredMeshDeregistersAtOnceAndLogsNoError() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"))) {
      String token = server.token("ratings", "default");
      var roots = server.roots();
      Mesh mesh = Mesh.builder(ServiceIdentity.of("ratings").withPort("http", 9080))
          .discovery(DiscoveryAgentSource.of(b -> b.servers(server.url()).token(token).trustedRoots(roots)))
          .build();
      assertThat(mesh.awaitReady(Duration.ofSeconds(10))).as("ready: waiting for %s", mesh.waitingFor()).isTrue();
      assertThat(server.status()).extracting(s -> s.service()).containsExactly("ratings");

      String logged = StdErr.capture(mesh::close);

      // The lease lives 30 s: only a deregistration removes the workload this soon.
      assertThat(server.status()).isEmpty();
      assertThat(logged).contains("deregistered lease")
          .doesNotContain("RejectedExecutionException").doesNotContain(" ERROR ").doesNotContain(" WARN ");
    }
  }

  private static void eventually(Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
