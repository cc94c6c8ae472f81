package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.registry.WorkloadInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewCacheTest {
  @TempDir Path dir;

  private static ObjectNode vs(String name) throws Exception {
    return (ObjectNode) ProtocolJson.mapper().readTree("""
        {"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"%s","namespace":"default"},
         "spec":{"hosts":["reviews"]}}""".formatted(name));
  }

  @Test
  void keepsTheLastViewWholeAndReplacesItAtomically() throws Exception {
    ViewCache cache = new ViewCache(dir, "productpage", "default");
    Endpoint e = new Endpoint("l-1", new WorkloadInstance("reviews", "default", "10.0.0.7", Map.of("http", 9080), Map.of(), null, null));
    cache.store(4, "2026-11-25T20:00:00Z", List.of(vs("a")), List.of(e));
    cache.store(5, "2026-11-25T20:01:00Z", List.of(vs("b")), List.of(e));

    ViewCache.Stored s = cache.load().orElseThrow();
    assertThat(s.version()).isEqualTo(5);
    assertThat(s.resources()).singleElement().satisfies(r -> assertThat(r.path("metadata").path("name").asText()).isEqualTo("b"));
    assertThat(s.endpoints()).containsExactly(e);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("central-view-default-productpage.json");
    }
  }

  @Test
  void aTornLeftoverOrADamagedFileIsIgnoredNotFatal() throws Exception {
    ViewCache cache = new ViewCache(dir, "productpage", "default");
    Files.writeString(dir.resolve("central-view-default-productpage.json.tmp"), "{\"service\":\"produ");
    assertThat(cache.load()).isEmpty();
    cache.store(1, "now", List.of(vs("a")), List.of());
    assertThat(cache.load()).isPresent();

    Files.writeString(cache.file(), "not json");
    assertThat(cache.load()).isEmpty();
  }

  @Test
  void aViewKeptForAnotherWorkloadIsNotUsed() throws Exception {
    new ViewCache(dir, "reviews", "default").store(1, "now", List.of(vs("a")), List.of());
    Path theirs = dir.resolve("central-view-default-reviews.json");
    Files.copy(theirs, dir.resolve("central-view-default-productpage.json"));
    assertThat(new ViewCache(dir, "productpage", "default").load()).isEmpty();
  }
}
