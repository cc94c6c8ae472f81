package dev.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {
  static WorkloadInstance instance(String service, Map<String, String> labels) {
    return new WorkloadInstance(service, "shop", "10.0.0.9", Map.of("http", 8080), labels, null, null);
  }

  @Test
  void aWorkloadIsNamedLikeItsDeploymentAndTakesAppAndVersionFromItsLabels() {
    WorkloadLabels w = WorkloadLabels.of(instance("reviews", Map.of("app", "reviews", "version", "v3")), "east");

    assertThat(w.workload()).isEqualTo("reviews-v3");
    assertThat(w.namespace()).isEqualTo("shop");
    assertThat(w.app()).isEqualTo("reviews");
    assertThat(w.version()).isEqualTo("v3");
    assertThat(w.canonicalService()).isEqualTo("reviews");
    assertThat(w.canonicalRevision()).isEqualTo("v3");
    assertThat(w.cluster()).isEqualTo("east");
    assertThat(w.principal()).as("known only over mutual TLS").isEqualTo("unknown");
    assertThat(w.withPrincipal("spiffe://cluster.local/ns/shop/sa/reviews").principal())
        .isEqualTo("spiffe://cluster.local/ns/shop/sa/reviews");
  }

  @Test
  void canonicalLabelsWinAsInIstio() {
    WorkloadLabels w =
        WorkloadLabels.of(
            instance(
                "ratings",
                Map.of(
                    "app", "ratings",
                    "version", "v1",
                    "app.kubernetes.io/name", "ratings-k8s",
                    "service.istio.io/canonical-name", "ratings-canonical",
                    "service.istio.io/canonical-revision", "r7")),
            null);

    assertThat(w.canonicalService()).isEqualTo("ratings-canonical");
    assertThat(w.canonicalRevision()).isEqualTo("r7");
    assertThat(w.cluster()).isEqualTo("unknown");
  }

  @Test
  void withoutLabelsTheServiceNameStandsInAndTheRevisionIsLatest() {
    WorkloadLabels w = WorkloadLabels.of(instance("details", Map.of()), null);

    assertThat(w.workload()).isEqualTo("details");
    assertThat(w.app()).isEqualTo("details");
    assertThat(w.canonicalService()).isEqualTo("details");
    assertThat(w.version()).isEqualTo("unknown");
    assertThat(w.canonicalRevision()).isEqualTo("latest");
  }

  @Test
  void aServiceIsLabelledFromItsHost() {
    assertThat(ServiceLabels.ofHost("reviews.default.svc.cluster.local"))
        .isEqualTo(new ServiceLabels("reviews.default.svc.cluster.local", "reviews", "default"));
    assertThat(ServiceLabels.ofHost("api.example.com"))
        .isEqualTo(new ServiceLabels("api.example.com", "api.example.com", "unknown"));
    assertThat(ServiceLabels.passthrough("api.example.com"))
        .isEqualTo(new ServiceLabels("api.example.com", "PassthroughCluster", "unknown"));
  }

  @Test
  void trafficLabelsAreEqualByValueAndTheClientCannotKnowTheSecurityPolicy() {
    assertThat(Fixtures.clientSide()).isEqualTo(Fixtures.clientSide()).hasSameHashCodeAs(Fixtures.clientSide());
    assertThat(Fixtures.clientSide()).isNotEqualTo(Fixtures.serverSide());
    assertThat(Fixtures.clientSide().securityPolicy()).isEqualTo(SecurityPolicy.UNKNOWN);
    assertThat(Fixtures.serverSide().securityPolicy()).isEqualTo(SecurityPolicy.MUTUAL_TLS);
    assertThat(Fixtures.clientSide().reporter()).isEqualTo(Reporter.SOURCE);
  }

  @Test
  void aCallWithoutFlagsHasEnvoysDash() {
    CallRecord c = CallRecord.builder(Fixtures.clientSide()).responseFlags(null).build();

    assertThat(c.responseFlags()).isEqualTo("-");
    assertThat(c.hasFlags()).isFalse();
    assertThat(c.grpcStatus()).isEqualTo(-1);
    assertThat(c.upstreamServiceTimeMillis()).isEqualTo(-1);
    assertThat(c.protocol()).isEqualTo(RequestProtocol.HTTP);
  }
}
