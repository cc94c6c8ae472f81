package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.server.PeerMetadata;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.core.telemetry.WorkloadLabels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caller's workload labels reach the server's {@code reporter="destination"} metrics through the
 * peer-metadata header, over real mesh mTLS between two meshes; the principal and namespace stay
 * the certificate's.
 */
class PeerMetadataTest {
  @TempDir Path ca;

  @Test
  void theServerReportsTheCallersWorkloadAppAndVersionNextToItsCertifiedPrincipal() throws Exception {
    SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
    try (Mesh reviews = Mesh.builder(ServiceIdentity.of("reviews").withLabel("version", "v2")).caDirectory(ca)
            .meterRegistry(serverMeters).build();
        MeshJdkServer server = MeshJdkServer.builder(reviews.inboundContext()).port(0)
            .handler("/", exchange -> {
              exchange.sendResponseHeaders(204, -1);
              exchange.close();
            }).start();
        Mesh productpage = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1")).caDirectory(ca)
            .endpoints(new WorkloadInstance("reviews", "default", "127.0.0.1", Map.of("http", server.port()),
                Map.of("version", "v2"), "reviews", null)).build()) {
      try (Response r = productpage.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build())
          .execute()) {
        assertThat(r.code()).isEqualTo(204);
      }
      // A caller that claims another namespace than its certificate's is not believed at all.
      try (Response r = productpage.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/1")
          .header(PeerMetadata.HEADER, "workload=admin-v1;namespace=kube-system;app=admin").build()).execute()) {
        assertThat(r.code()).isEqualTo(204);
      }

      assertThat(destinationCount(serverMeters, "productpage-v1", "productpage", "v1"))
          .as("server's counters: %s", serverMeters.find("istio_requests_total").counters().stream().map(c -> c.getId().getTags()).toList())
          .isEqualTo(1.0);
      assertThat(destinationCount(serverMeters, "unknown", "unknown", "unknown")).isEqualTo(1.0);
      assertThat(serverMeters.find("istio_requests_total").tag("source_workload", "admin-v1").counters()).isEmpty();
    }
  }

  private static double destinationCount(SimpleMeterRegistry meters, String workload, String app, String version) {
    // Telemetry ends after the response is written: wait for the record rather than race it.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      Counter c = meters.find("istio_requests_total").tag("reporter", "destination")
          .tag("source_workload", workload).tag("source_app", app).tag("source_version", version)
          .tag("source_principal", "spiffe://cluster.local/ns/default/sa/productpage")
          .tag("source_workload_namespace", "default")
          .tag("connection_security_policy", "mutual_tls").counter();
      double count = c == null ? 0 : c.count(); // the meter may exist a moment before its increment
      if (count > 0 || System.nanoTime() > deadline) {
        return count;
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void theHeaderRoundTripsAndBadValuesAreIgnored() {
    WorkloadLabels caller = new WorkloadLabels("productpage-v1", "bookinfo", "spiffe://x", "productpage", "v1",
        "productpage", "v1", null);
    String header = PeerMetadata.encode(caller);
    assertThat(header).isEqualTo("workload=productpage-v1;namespace=bookinfo;app=productpage;version=v1;service=productpage;revision=v1");

    WorkloadLabels read = PeerMetadata.decode(header, "cluster.local/ns/bookinfo/sa/productpage", "bookinfo");
    assertThat(read).isEqualTo(new WorkloadLabels("productpage-v1", "bookinfo", "spiffe://cluster.local/ns/bookinfo/sa/productpage",
        "productpage", "v1", "productpage", "v1", null));
    assertThat(PeerMetadata.decode(header, null, null)).as("plaintext: labels only, no principal")
        .extracting(WorkloadLabels::workload, WorkloadLabels::principal).containsExactly("productpage-v1", "unknown");

    assertThat(PeerMetadata.decode(header, "cluster.local/ns/other/sa/x", "other")).as("namespace contradicts the certificate").isNull();
    assertThat(PeerMetadata.decode("garbage", null, null)).isNull();
    assertThat(PeerMetadata.decode("workload=%zz", null, null)).isNull();
    assertThat(PeerMetadata.decode("workload=" + "x".repeat(600), null, null)).isNull();
    assertThat(PeerMetadata.decode(null, null, null)).isNull();
  }
}
