package dev.meshlet.tls.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkloadIdentityTest {

  @Test
  void defaultsToClusterLocalAndTheDefaultNamespace() {
    WorkloadIdentity identity = WorkloadIdentity.ofServiceAccount("reviews");

    assertThat(identity.trustDomain().name()).isEqualTo("cluster.local");
    assertThat(identity.namespace()).isEqualTo("default");
    assertThat(identity.spiffeId()).hasToString("spiffe://cluster.local/ns/default/sa/reviews");
    assertThat(identity.principal()).isEqualTo("cluster.local/ns/default/sa/reviews");
  }

  @Test
  void writesTheSpiffeIdAndPrincipalAsIstioDoes() {
    WorkloadIdentity identity = new WorkloadIdentity(TrustDomain.of("corp.example"), "shop", "checkout-sa");

    assertThat(identity.spiffeId()).hasToString("spiffe://corp.example/ns/shop/sa/checkout-sa");
    assertThat(identity.principal()).isEqualTo("corp.example/ns/shop/sa/checkout-sa");
  }

  @Test
  void readsTheIdentityBackFromItsSpiffeId() {
    WorkloadIdentity identity = WorkloadIdentity.of("bookinfo", "ratings");

    assertThat(WorkloadIdentity.fromSpiffeId(identity.spiffeId())).isEqualTo(identity);
  }

  @Test
  void refusesSpiffeIdsThatAreNotNamespaceAndServiceAccount() {
    assertThatThrownBy(() -> WorkloadIdentity.fromSpiffeId(SpiffeId.parse("spiffe://td/ns/a/sa/b/c")))
        .hasMessageContaining("is not a workload identity (expected: path /ns/<namespace>/sa/<service-account>)");
    assertThatThrownBy(() -> WorkloadIdentity.fromSpiffeId(SpiffeId.parse("spiffe://td/foo/a/sa/b")))
        .hasMessageContaining("is not a workload identity");
  }

  @Test
  void refusesNamesThatWouldBreakTheSpiffeId() {
    assertThatThrownBy(() -> WorkloadIdentity.of("a/b", "sa"))
        .hasMessageContaining("namespace: \"a/b\" has the character '/' at index 1");
    assertThatThrownBy(() -> WorkloadIdentity.of("default", ""))
        .hasMessageContaining("serviceAccount: empty");
    assertThatThrownBy(() -> WorkloadIdentity.of("..", "sa"))
        .hasMessageContaining("relative segment");
  }
}
