package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.workload.CertificateSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With mTLS on, the mesh is ready with a certificate for its SPIFFE identity, from a CA kept across restarts. */
class CertificateTest {
  @TempDir java.nio.file.Path ca;

  @Test
  void aMeshWithALocalCaStartsReadyWithItsSpiffeCertificateAndTheCaOutlivesIt() throws Exception {
    ServiceIdentity reviews = ServiceIdentity.of("reviews").withLabel("version", "v2");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CertificateSnapshot first;
    try (Mesh mesh = Mesh.builder(reviews).caDirectory(ca).meterRegistry(meters).build()) {
      assertThat(mesh.isReady()).isTrue();
      first = mesh.certificates().orElseThrow().current();
      assertThat(SpiffeCertificates.spiffeId(first.certificate()).toString())
          .isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
      assertThat(meters.find("meshlet_certificate_expiry_timestamp_seconds").gauge().value())
          .isEqualTo((double) first.expiresAt().getEpochSecond());
      assertThat(mesh.inboundContext().certificates()).isSameAs(mesh.certificates().orElseThrow());
    }
    assertThat(Files.list(ca)).isNotEmpty();

    try (Mesh again = Mesh.builder(reviews).caDirectory(ca).build()) {
      assertThat(again.certificates().orElseThrow().current().trustBundle().roots())
          .as("the second start loads the same CA").isEqualTo(first.trustBundle().roots());
    }
  }
}
