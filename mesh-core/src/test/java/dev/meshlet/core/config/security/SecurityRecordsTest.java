package dev.meshlet.core.config.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.core.config.security.AuthorizationPolicy.Action;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.core.config.security.PeerAuthentication.Mtls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityRecordsTest {
  @Test
  void absentListsAndMapsAreEmptyNeverNull() {
    AuthorizationPolicy policy = new AuthorizationPolicy(null, null, null, null, null, null);
    Source source = new Source(null, null, null, null, null, null, null, null, null, null, null, null);
    PeerAuthentication peer = new PeerAuthentication(null, null, null);

    assertThat(policy.rules()).isEmpty();
    assertThat(policy.targetRefs()).isEmpty();
    assertThat(source.isEmpty()).isTrue();
    assertThat(new Operation(null, null, null, null, null, null, null, null).isEmpty()).isTrue();
    assertThat(new Rule(null, null, null).when()).isEmpty();
    assertThat(new Condition("source.ip", null, null).values()).isEmpty();
    assertThat(peer.portLevelMtls()).isEmpty();
    assertThat(new WorkloadSelector(null).matchLabels()).isEmpty();
  }

  @Test
  void recordsCopyWhatTheyAreGivenAndCannotBeChanged() {
    List<String> principals = new ArrayList<>(List.of("cluster.local/ns/foo/sa/a"));
    Map<Integer, Mtls> ports = new HashMap<>(Map.of(8080, Mtls.of(Mode.DISABLE)));
    Source source = new Source(principals, null, null, null, null, null, null, null, null, null, null, null);
    PeerAuthentication peer = new PeerAuthentication(WorkloadSelector.of(Map.of("app", "a")), null, ports);

    principals.add("cluster.local/ns/foo/sa/b");
    ports.clear();

    assertThat(source.principals()).containsExactly("cluster.local/ns/foo/sa/a");
    assertThat(peer.portLevelMtls()).containsOnlyKeys(8080);
    assertThatThrownBy(() -> source.principals().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> peer.portLevelMtls().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void absentModesAndActionsReadAsIstiosDefaults() {
    assertThat(new PeerAuthentication(null, null, null).modeOrUnset()).isEqualTo(Mode.UNSET);
    assertThat(new PeerAuthentication(null, new Mtls(null), null).modeOrUnset()).isEqualTo(Mode.UNSET);
    assertThat(new AuthorizationPolicy(null, null, null, null, null, null).actionOrDefault()).isEqualTo(Action.ALLOW);
  }

  @Test
  void aSelectorMatchesWorkloadsCarryingAllItsLabels() {
    WorkloadSelector selector = WorkloadSelector.of(Map.of("app", "reviews", "version", "v2"));

    assertThat(selector.matches(Map.of("app", "reviews", "version", "v2", "team", "books"))).isTrue();
    assertThat(selector.matches(Map.of("app", "reviews", "version", "v1"))).isFalse();
    assertThat(selector.matches(Map.of("app", "reviews"))).isFalse();
    assertThat(WorkloadSelector.of(Map.of()).matches(Map.of())).isTrue();
  }

  @Test
  void onlyPoliciesWithoutTargetReferencesAttachToWorkloads() {
    PolicyTargetReference gateway = new PolicyTargetReference("gateway.networking.k8s.io", "Gateway", "ingress", null);

    assertThat(new AuthorizationPolicy(null, null, null, null, null, null).attachesToWorkloads()).isTrue();
    assertThat(new AuthorizationPolicy(null, gateway, null, null, null, null).attachesToWorkloads()).isFalse();
    assertThat(new AuthorizationPolicy(null, null, List.of(gateway), null, null, null).attachesToWorkloads()).isFalse();
  }

  @Test
  void aDryRunIsTheAnnotationSetToAGoBooleanTrue() {
    assertThat(AuthorizationPolicy.isDryRun(meta(Map.of("istio.io/dry-run", "true")))).isTrue();
    assertThat(AuthorizationPolicy.isDryRun(meta(Map.of("istio.io/dry-run", "T")))).isTrue();
    assertThat(AuthorizationPolicy.isDryRun(meta(Map.of("istio.io/dry-run", "false")))).isFalse();
    assertThat(AuthorizationPolicy.isDryRun(meta(Map.of()))).isFalse();
  }

  private static ObjectMeta meta(Map<String, String> annotations) {
    return new ObjectMeta("p", "foo", Map.of(), annotations);
  }

  @Test
  void theDefaultRootNamespaceIsIstios() {
    assertThat(RootNamespace.DEFAULT).isEqualTo("istio-system");
    assertThat(RootNamespace.isDefault("istio-system")).isTrue();
    assertThat(RootNamespace.isDefault("default")).isFalse();
  }
}
