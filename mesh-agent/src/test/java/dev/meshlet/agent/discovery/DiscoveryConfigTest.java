package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryConfigTest {
  @TempDir Path tmp;

  @Test
  void buildsFromTheEnvironment() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "mlb_abc\n");
    DiscoveryConfig c = DiscoveryConfig.fromEnvironment(Map.of(
        "MESHLET_DISCOVERY", "https://a:15010, https://b:15010/",
        "MESHLET_TOKEN_FILE", token.toString(),
        "MESHLET_SERVICE", "reviews",
        "MESHLET_NAMESPACE", "shop",
        "MESHLET_ADDRESS", "10.0.0.7",
        "MESHLET_PORTS", "http=9080,grpc=9090",
        "MESHLET_LABELS", "app=reviews, version=v2",
        "MESHLET_CACHE_DIR", tmp.toString())).build();
    assertThat(c.servers()).containsExactly("https://a:15010", "https://b:15010");
    assertThat(c.token()).isEqualTo("mlb_abc");
    assertThat(c.registration().service()).isEqualTo("reviews");
    assertThat(c.registration().namespaceOrDefault()).isEqualTo("shop");
    assertThat(c.registration().serviceAccountOrDefault()).isEqualTo("reviews");
    assertThat(c.registration().ports()).containsEntry("http", 9080).containsEntry("grpc", 9090);
    assertThat(c.registration().labels()).containsEntry("version", "v2");
    assertThat(c.cacheDirectory()).isEqualTo(tmp);
    assertThat(c.serverIdentity()).isEqualTo(DiscoveryConfig.DEFAULT_SERVER_IDENTITY);
    assertThat(c.toString()).as("the token stays out of logs").contains("mlb_...").doesNotContain("mlb_abc");
  }

  @Test
  void errorsSayWhatWhereAndWhatWasExpected() {
    assertThatThrownBy(() -> DiscoveryConfig.fromEnvironment(Map.of("MESHLET_PORTS", "http=x")))
        .hasMessage("MESHLET_PORTS: port http=x (expected: a number 1..65535)");
    assertThatThrownBy(() -> DiscoveryConfig.fromEnvironment(Map.of("MESHLET_LABELS", "app")))
        .hasMessage("MESHLET_LABELS: 'app' (expected: name=value, comma-separated)");
    assertThatThrownBy(() -> DiscoveryConfig.builder().servers("http://a:1").identity("a", "default", "a").address("1.2.3.4").build())
        .hasMessageContaining("token: not set");
    assertThatThrownBy(() -> DiscoveryConfig.builder().servers("ftp://a").token("t").identity("a", "default", "a").address("1.2.3.4").build())
        .hasMessage("servers[0]: ftp://a (expected: http:// or https:// host:port, no path)");
    assertThatThrownBy(() -> DiscoveryConfig.builder().token("t").identity("a", "default", "a").address("1.2.3.4").build())
        .hasMessageStartingWith("servers: empty");
    assertThatThrownBy(() -> DiscoveryConfig.builder().servers("http://a:1").token("t").identity("a", "default", "a").address("1.2.3.4")
        .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .hasMessage("backoffMax: PT1S (expected: >= backoffInitial PT2S)");
  }
}
