package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.source.ConfigLayer;
import java.nio.file.Files;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints and rules come from the config directory as well as from the builder. */
class ConfigSourcesTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void aServiceEntryWithAWorkloadEntryInTheDirectoryGivesAHostItsEndpoint() throws Exception {
    try (Upstream details = new Upstream()) {
      Files.writeString(dir.resolve("details.yaml"), """
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata: {name: details}
          spec:
            hosts: [details.example.internal]
            ports: [{number: 80, name: http, protocol: HTTP, targetPort: %d}]
            resolution: STATIC
            location: MESH_INTERNAL
            workloadSelector: {labels: {app: details}}
          ---
          apiVersion: networking.istio.io/v1
          kind: WorkloadEntry
          metadata: {name: details-1}
          spec:
            address: 127.0.0.1
            labels: {app: details}
          """.formatted(details.port()));
      try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).configDirectory(dir).build()) {
        assertThat(mesh.isReady()).isTrue();
        try (Response r = mesh.httpClient().newCall(
            new Request.Builder().url("http://details.example.internal/details/0").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        assertThat(details.count()).isEqualTo(1);
        assertThat(mesh.effectiveConfig().resources()).hasSize(2)
            .allSatisfy(r -> assertThat(r.layer()).isEqualTo(ConfigLayer.FILE));
      }
    }
  }

  @Test
  void theEffectiveConfigListsTheBuildersEndpoints() {
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).endpoint("reviews", "10.0.0.7", 9080).build()) {
      assertThat(mesh.effectiveConfig().endpoints())
          .containsEntry("reviews.default.svc.cluster.local", java.util.List.of("10.0.0.7:9080"));
      assertThat(mesh.effectiveConfig().waitingFor()).isEmpty();
    }
  }
}
