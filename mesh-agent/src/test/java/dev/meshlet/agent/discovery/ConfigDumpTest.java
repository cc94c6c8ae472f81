package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.discovery.cli.Meshctl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshctl config-dump} through the real CLI, against a real TLS server and a real agent. */
class ConfigDumpTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  private Run meshctl(LocalDiscovery server, Path adminToken, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--server", server.url(), "--token-file", adminToken.toString(),
        "--ca-file", server.data.resolve("ca/root-cert.pem").toString()}, 0, all, args.length, 6);
    int code = Meshctl.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void showsTheResourcesAndEndpointsSentTheVersionsAndTheNackOfOneAgent() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"))) {
      Path admin = Files.writeString(tmp.resolve("admin-token"), server.admin());
      server.apply(DiscoveryAgentTest.REVIEWS_VS);
      RecordingListener listener = new RecordingListener();
      listener.refuseWhen(v -> RecordingListener.has(v, "VirtualService", "bad"));
      DiscoveryConfig config = DiscoveryConfig.builder()
          .trustedRoots(server.roots())
          .servers(server.url())
          .token(server.token("productpage", "default"))
          .identity("productpage", "default", "productpage")
          .name("productpage-1")
          .address("10.0.0.1")
          .ports(Map.of("http", 9080))
          .connectTimeout(Duration.ofMillis(500))
          .build();
      try (DiscoveryAgent agent = DiscoveryAgent.builder(config, listener).random(new Random(3)).start()) {
        listener.await(v -> RecordingListener.has(v, "VirtualService", "reviews"));
        long good = server.version();
        awaitStatus(server, SyncStatus.SYNCED);

        Run synced = meshctl(server, admin, "config-dump", "productpage-1.default");
        assertThat(synced.code()).as(synced.err()).isZero();
        assertThat(synced.out())
            .contains("productpage-1.default (service productpage")
            .contains("STATUS:         SYNCED")
            .contains("VERSION SENT:   " + good).contains("VERSION ACKED:  " + good)
            .containsPattern("VirtualService\\s+default\\s+reviews")
            .containsPattern("productpage\\s+default\\s+10\\.0\\.0\\.1\\s+http=9080")
            .doesNotContain("LAST NACK");

        long bad = server.apply(DiscoveryAgentTest.BAD_VS);
        awaitStatus(server, SyncStatus.NACKED);

        Run json = meshctl(server, admin, "config-dump", "productpage-1", "-n", "default", "-o", "json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode dump = ProtocolJson.mapper().readTree(json.out());
        assertThat(dump.path("status").path("status").asText()).isEqualTo("NACKED");
        assertThat(dump.path("status").path("versionSent").asLong()).isEqualTo(bad);
        assertThat(dump.path("status").path("versionAcked").asLong()).isEqualTo(good);
        assertThat(dump.path("nackedVersion").asLong()).isEqualTo(bad);
        assertThat(dump.path("status").path("lastNack").asText()).contains("cannot compile");
        assertThat(dump.path("resources")).extracting(r -> r.path("metadata").path("name").asText())
            .containsExactly("bad", "reviews");
        assertThat(dump.path("resources").get(1).path("spec").path("hosts").get(0).asText()).isEqualTo("reviews");

        Run yaml = meshctl(server, admin, "config-dump", "productpage-1", "-o", "yaml");
        assertThat(yaml.out()).contains("status: NACKED").contains("kind: VirtualService").contains("address: 10.0.0.1");

        Run text = meshctl(server, admin, "config-dump", "productpage-1");
        assertThat(text.out()).contains("LAST NACK:      version " + bad + ": ").contains("cannot compile");
      }
    }
  }

  @Test
  void anUnknownWorkloadOrABootstrapTokenIsRefusedWithAReason() throws Exception {
    try (LocalDiscovery server = LocalDiscovery.start(tmp.resolve("data"))) {
      Path admin = Files.writeString(tmp.resolve("admin-token"), server.admin());
      Path bootstrap = Files.writeString(tmp.resolve("bootstrap-token"), server.token("productpage", "default"));

      Run unknown = meshctl(server, admin, "config-dump", "nobody", "-n", "prod");
      Run notAdmin = meshctl(server, bootstrap, "config-dump", "nobody");

      assertThat(unknown.code()).isEqualTo(Meshctl.FAILURE);
      assertThat(unknown.err()).contains("no agent nobody in namespace prod");
      assertThat(notAdmin.code()).isEqualTo(Meshctl.FAILURE);
      assertThat(notAdmin.err()).contains("needs the admin token");
    }
  }

  private static void awaitStatus(LocalDiscovery server, SyncStatus wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.status().stream().noneMatch(s -> s.status() == wanted)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no agent " + wanted + " within 10 s: " + server.status());
      }
      Thread.sleep(20);
    }
  }
}
