package dev.meshlet.discovery.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.discovery.api.DiscoveryServer;
import dev.meshlet.discovery.auth.Principal;
import dev.meshlet.discovery.testing.SimulatedAgent;
import dev.meshlet.discovery.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes that come close together reach the agents as one push (istiod's debounce). */
class PushDebounceTest {
  @TempDir Path dir;

  @Test
  void registrationsWithinTheWindowReachEveryWatcherAsOneDelta() throws Exception {
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();
    try (DiscoveryServer server = DiscoveryServer.builder(dir).port(0).tls(false)
        .pushDebounce(Duration.ofSeconds(1)).heartbeat(Duration.ofSeconds(30)).start()) {
      Principal.Workload bench = new Principal.Workload("bench", "default");
      LeaseGrant a = server.registry().register(TestServer.workload("bench", "default", "10.0.0.1", Map.of()), bench);
      LeaseGrant b = server.registry().register(TestServer.workload("bench", "default", "10.0.0.2", Map.of()), bench);
      String admin = server.adminToken();
      try (SimulatedAgent first = new SimulatedAgent(http, server.url(), admin, a.leaseId(), null);
          SimulatedAgent second = new SimulatedAgent(http, server.url(), admin, b.leaseId(), null)) {
        assertThat(first.next().type()).isEqualTo(WatchEvent.Type.FULL);
        assertThat(second.next().type()).isEqualTo(WatchEvent.Type.FULL);

        List<String> leases = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          leases.add(server.registry().register(
              TestServer.workload("bench", "default", "10.0.1." + (i + 1), Map.of()), bench).leaseId());
        }
        long last = server.store().state().version();

        for (SimulatedAgent agent : List.of(first, second)) {
          WatchEvent delta = agent.next();
          assertThat(delta.type()).isEqualTo(WatchEvent.Type.DELTA);
          assertThat(delta.version()).isEqualTo(last);
          assertThat(delta.endpoints()).extracting(Endpoint::id).containsExactlyInAnyOrderElementsOf(leases);
          agent.expectNoChangeFor(Duration.ofMillis(300));
        }
      }
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
