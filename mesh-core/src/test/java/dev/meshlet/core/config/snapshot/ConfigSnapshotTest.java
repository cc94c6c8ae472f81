package dev.meshlet.core.config.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.Yaml;
import dev.meshlet.core.config.networking.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSnapshotTest {
  private static final String CONFIG = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: shop}
      spec:
        hosts: [reviews]
        http: [{route: [{destination: {host: reviews}}]}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: external, namespace: shop}
      spec:
        hosts: ["*.example.com"]
        http: [{route: [{destination: {host: api.example.com}}]}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews-mesh, namespace: istio-system}
      spec: {host: reviews.shop.svc.cluster.local}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: shop}
      spec: {host: reviews}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews-for-web, namespace: web}
      spec: {host: reviews.shop.svc.cluster.local}
      ---
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: istio-system}
      spec: {mtls: {mode: STRICT}}
      ---
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: reviews-permissive, namespace: shop}
      spec:
        selector: {matchLabels: {app: reviews}}
        mtls: {mode: PERMISSIVE}
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: ratings-only, namespace: shop}
      spec:
        selector: {matchLabels: {app: ratings}}
        action: ALLOW
      ---
      apiVersion: networking.istio.io/v1
      kind: Sidecar
      metadata: {name: default, namespace: shop}
      spec:
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
      """;

  private final ConfigSnapshot snapshot = ConfigSnapshot.of(7, Yaml.resources(CONFIG));

  @Test
  void findsTheVirtualServiceOfAHostByItsFullName() {
    assertThat(snapshot.version()).isEqualTo(7);
    assertThat(snapshot.virtualServices("reviews.shop.svc.cluster.local"))
        .extracting(r -> r.id().name()).containsExactly("reviews");
    assertThat(snapshot.virtualServices("reviews.other.svc.cluster.local")).isEmpty();
    assertThat(snapshot.virtualServices("api.example.com")).extracting(r -> r.id().name()).containsExactly("external");
  }

  @Test
  void picksTheDestinationRuleAsIstioDoes() {
    assertThat(snapshot.destinationRule("reviews.shop.svc.cluster.local", "web")).get()
        .extracting(r -> r.id().name()).isEqualTo("reviews-for-web");
    assertThat(snapshot.destinationRule("reviews.shop.svc.cluster.local", "shop")).get()
        .extracting(r -> r.id().name()).isEqualTo("reviews");
    assertThat(snapshot.destinationRule("reviews.shop.svc.cluster.local", "billing")).get()
        .extracting(r -> r.id().name()).isEqualTo("reviews");
    assertThat(snapshot.destinationRule("ratings.shop.svc.cluster.local", "shop")).isEmpty();
  }

  @Test
  void ordersPeerAuthenticationsFromMeshToWorkload() {
    assertThat(snapshot.peerAuthentications("shop", Map.of("app", "reviews")))
        .extracting(r -> r.id().name()).containsExactly("default", "reviews-permissive");
    assertThat(snapshot.peerAuthentications("shop", Map.of("app", "ratings")))
        .extracting(r -> r.id().name()).containsExactly("default");
  }

  @Test
  void selectsPoliciesAndSidecarsByWorkloadLabels() {
    assertThat(snapshot.authorizationPolicies("shop", Map.of("app", "ratings", "version", "v1"))).hasSize(1);
    assertThat(snapshot.authorizationPolicies("shop", Map.of("app", "reviews"))).isEmpty();
    assertThat(snapshot.sidecar("shop", Map.of("app", "x"))).isPresent();
    assertThat(snapshot.sidecar("web", Map.of())).isEmpty();
  }

  @Test
  void listsByKindAndNamespace() {
    List<Resource<VirtualService>> all = snapshot.all(Kind.VIRTUAL_SERVICE, VirtualService.class);
    assertThat(all).extracting(r -> r.id().name()).containsExactly("external", "reviews");
    assertThat(snapshot.inNamespace("istio-system")).hasSize(2);
    assertThatThrownBy(() -> snapshot.all(Kind.SIDECAR, VirtualService.class)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesTheSameResourceTwice() {
    List<Resource<?>> twice = Yaml.resources(CONFIG.substring(0, CONFIG.indexOf("---")) + "---\n" + CONFIG.substring(0, CONFIG.indexOf("---")));
    assertThatThrownBy(() -> ConfigSnapshot.of(1, twice))
        .hasMessageContaining("VirtualService shop/reviews appears twice");
  }
}
