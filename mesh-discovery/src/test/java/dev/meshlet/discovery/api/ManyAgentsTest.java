package dev.meshlet.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ProxyStatus;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.discovery.testing.SimulatedAgent;
import dev.meshlet.discovery.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManyAgentsTest {
  static final int AGENTS = 200;

  @TempDir Path dir;

  @Test
  void moreOpenStreamsThanServerThreadsAllGetEveryChangeAndShowSynced() throws Exception {
    // The server's pool has 64 threads at most; an open watch holds none of them.
    try (TestServer server = TestServer.start(dir)) {
      String token = server.token("load", "default");
      List<LeaseGrant> leases = new ArrayList<>();
      for (int i = 0; i < AGENTS; i++) {
        leases.add(server.register(token, TestServer.workload("load", "default", "10.1." + i / 250 + "." + i % 250, Map.of())));
      }
      List<SimulatedAgent> agents = new ArrayList<>();
      try {
        for (LeaseGrant l : leases) {
          agents.add(new SimulatedAgent(server.http, server.url(), token, l.leaseId(), null));
        }
        for (int i = 0; i < AGENTS; i++) {
          WatchEvent full = agents.get(i).next();
          assertThat(full.endpoints()).hasSize(AGENTS);
        }

        server.apply(WatchTest.REVIEWS_VS);
        long version = server.version();
        for (int i = 0; i < AGENTS; i++) {
          WatchEvent delta = agents.get(i).next();
          assertThat(delta.version()).isEqualTo(version);
          assertThat(server.ack(token, leases.get(i).leaseId(), delta.version(), null).status()).isEqualTo(200);
        }

        ProxyStatus[] status = ProtocolJson.read(server.call("GET", "/v1/status", server.admin(), null).body(), ProxyStatus[].class);
        assertThat(status).hasSize(AGENTS).allSatisfy(s -> {
          assertThat(s.status()).isEqualTo(SyncStatus.SYNCED);
          assertThat(s.versionAcked()).isEqualTo(version);
        });
      } finally {
        for (SimulatedAgent a : agents) {
          a.close();
        }
      }
    }
  }
}
