package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.tls.testing.MeshHttpsServer;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Mesh with mTLS on calls mesh workloads over mesh mTLS: its workload certificate reaches a STRICT
 * server of the same CA, and a server without the destination's identity is refused.
 */
class MeshMtlsOutboundTest {
  @TempDir Path ca;

  private static WorkloadInstance reviews(int port, String serviceAccount) {
    return new WorkloadInstance("reviews", "default", "127.0.0.1", Map.of("http", port), Map.of(), serviceAccount, null);
  }

  @Test
  void theMeshsClientPresentsItsWorkloadCertificateToAStrictMeshServer() throws Exception {
    try (Mesh server = Mesh.builder(ServiceIdentity.of("reviews")).caDirectory(ca).build();
        MeshHttpsServer https = MeshHttpsServer.start(server.certificates().orElseThrow().sslContext());
        Mesh caller = Mesh.builder(ServiceIdentity.of("productpage")).caDirectory(ca)
            .endpoints(reviews(https.port(), "reviews")).build();
        Response r = caller.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("hello cluster.local/ns/default/sa/productpage\n");
    }
  }

  @Test
  void aServerWithoutTheDestinationsIdentityIsRefused() throws Exception {
    try (Mesh server = Mesh.builder(ServiceIdentity.of("reviews")).caDirectory(ca).build();
        MeshHttpsServer https = MeshHttpsServer.start(server.certificates().orElseThrow().sslContext());
        Mesh caller = Mesh.builder(ServiceIdentity.of("productpage")).caDirectory(ca)
            .endpoints(reviews(https.port(), "ratings")).build()) {
      assertThatThrownBy(() -> caller.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build()).execute())
          .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UF))
          .hasMessageContaining("reviews.default.svc.cluster.local")
          .hasMessageContaining("spiffe://cluster.local/ns/default/sa/ratings");
      assertThat(https.requests()).isZero();
    }
  }
}
