package dev.meshlet.tls.mode;

import static dev.meshlet.core.config.security.PeerAuthentication.Mode.DISABLE;
import static dev.meshlet.core.config.security.PeerAuthentication.Mode.PERMISSIVE;
import static dev.meshlet.core.config.security.PeerAuthentication.Mode.STRICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.tls.testing.Configs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerAuthenticationPolicyTest {

  static final Map<String, String> REVIEWS = Map.of("app", "reviews", "version", "v1");

  static PeerAuthenticationPolicy policy(String yaml) {
    return PeerAuthenticationPolicy.compile(Configs.snapshot(yaml));
  }

  static String pa(String namespace, String name, String spec) {
    return """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: %s, namespace: %s}
        spec: %s
        ---
        """.formatted(name, namespace, spec);
  }

  @Test
  void isPermissiveWhenNothingIsSet() {
    WorkloadMtls mtls = PeerAuthenticationPolicy.compile(ConfigSnapshot.empty()).forWorkload("shop", REVIEWS);

    assertThat(mtls).isEqualTo(WorkloadMtls.DEFAULT);
    assertThat(mtls.modeFor(9080)).isEqualTo(PERMISSIVE);
  }

  @Test
  void aMeshWidePolicyInTheRootNamespaceAppliesToEveryNamespace() {
    PeerAuthenticationPolicy p = policy(pa("istio-system", "default", "{mtls: {mode: STRICT}}"));

    assertThat(p.forWorkload("shop", REVIEWS).modeFor(9080)).isEqualTo(STRICT);
    assertThat(p.forWorkload("billing", Map.of()).modeFor(80)).isEqualTo(STRICT);
    assertThat(p.forWorkload("istio-system", Map.of()).modeFor(80)).isEqualTo(STRICT);
  }

  @Test
  void aNamespacePolicyOverridesTheMeshAndUnsetInheritsIt() {
    PeerAuthenticationPolicy p = policy(pa("istio-system", "default", "{mtls: {mode: STRICT}}")
        + pa("legacy", "default", "{mtls: {mode: PERMISSIVE}}")
        + pa("shop", "default", "{mtls: {mode: UNSET}}")
        + pa("empty", "default", "{}"));

    assertThat(p.forWorkload("legacy", REVIEWS).mode()).isEqualTo(PERMISSIVE);
    assertThat(p.forWorkload("shop", REVIEWS).mode()).isEqualTo(STRICT);
    assertThat(p.forWorkload("empty", REVIEWS).mode()).isEqualTo(STRICT);
    assertThat(p.forWorkload("shop", REVIEWS).decidedBy()).extracting(ResourceId::toString).hasSize(2);
  }

  @Test
  void aWorkloadPolicyOverridesItsNamespaceOnlyForWorkloadsItSelects() {
    PeerAuthenticationPolicy p = policy(pa("shop", "default", "{mtls: {mode: STRICT}}")
        + pa("shop", "reviews-off", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: DISABLE}}")
        + pa("shop", "ratings-unset", "{selector: {matchLabels: {app: ratings}}, mtls: {mode: UNSET}}"));

    assertThat(p.forWorkload("shop", REVIEWS).mode()).isEqualTo(DISABLE);
    assertThat(p.forWorkload("shop", Map.of("app", "ratings")).mode()).isEqualTo(STRICT);
    assertThat(p.forWorkload("shop", Map.of("app", "details")).mode()).isEqualTo(STRICT);
    // A selector in another namespace does not reach here.
    assertThat(p.forWorkload("web", REVIEWS).mode()).isEqualTo(PERMISSIVE);
  }

  @Test
  void portLevelModesOverrideTheWorkloadAndUnsetPortsInheritItsResolvedMode() {
    PeerAuthenticationPolicy p = policy(pa("istio-system", "default", "{mtls: {mode: STRICT}}")
        + pa("shop", "reviews", """
            {selector: {matchLabels: {app: reviews}}, mtls: {mode: UNSET},
             portLevelMtls: {"8080": {mode: DISABLE}, "9090": {mode: PERMISSIVE}, "9091": {mode: UNSET}}}"""));

    WorkloadMtls mtls = p.forWorkload("shop", REVIEWS);

    assertThat(mtls.modeFor(8080)).isEqualTo(DISABLE);
    assertThat(mtls.modeFor(9090)).isEqualTo(PERMISSIVE);
    assertThat(mtls.modeFor(9091)).isEqualTo(STRICT);
    assertThat(mtls.modeFor(9080)).isEqualTo(STRICT);
    assertThat(mtls.acceptsPlaintextOn(8080)).isTrue();
    assertThat(mtls.acceptsPlaintextOn(9080)).isFalse();
  }

  @Test
  void amongPoliciesOfOneScopeTheFirstByNameWinsInPlaceOfTheOldest() {
    PeerAuthenticationPolicy p = policy(pa("shop", "b-strict", "{mtls: {mode: STRICT}}")
        + pa("shop", "a-disable", "{mtls: {mode: DISABLE}}")
        + pa("shop", "z-reviews", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: STRICT}}")
        + pa("shop", "m-reviews", "{selector: {matchLabels: {version: v1}}, mtls: {mode: PERMISSIVE}}"));

    WorkloadMtls mtls = p.forWorkload("shop", REVIEWS);

    assertThat(mtls.mode()).isEqualTo(PERMISSIVE);
    assertThat(mtls.decidedBy()).extracting(ResourceId::name).containsExactly("a-disable", "m-reviews");
    assertThat(p.forWorkload("shop", Map.of()).mode()).isEqualTo(DISABLE);
  }

  @Test
  void aSelectorInTheRootNamespaceOnlySelectsWorkloadsOfTheRootNamespace() {
    PeerAuthenticationPolicy p = policy(
        pa("istio-system", "gateways", "{selector: {matchLabels: {app: reviews}}, mtls: {mode: STRICT}}"));

    assertThat(p.forWorkload("shop", REVIEWS).mode()).isEqualTo(PERMISSIVE);
    assertThat(p.forWorkload("istio-system", REVIEWS).mode()).isEqualTo(STRICT);
  }

  @Test
  void aResolvedValueIsNeverUnset() {
    assertThatThrownBy(() -> new WorkloadMtls(Mode.UNSET, Map.of(), List.of()))
        .hasMessageContaining("mode: UNSET (expected: DISABLE, PERMISSIVE or STRICT");
    assertThatThrownBy(() -> new WorkloadMtls(STRICT, Map.of(0, STRICT), List.of()))
        .hasMessageContaining("port 0 (expected: 1..65535)");
  }
}
