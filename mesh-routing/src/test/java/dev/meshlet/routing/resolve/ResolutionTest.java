package dev.meshlet.routing.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResolutionTest {
  private final MeshFixture mesh = new MeshFixture();

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  @Test
  void resolvesShortQualifiedAndFullNamesInTheCallersNamespace() throws Exception {
    Backend shop = mesh.backend("reviews.shop.svc.cluster.local", "shop-reviews");
    Backend other = mesh.backend("reviews.default.svc.cluster.local", "default-reviews");
    mesh.start(CallerIdentity.of("productpage", "shop"), 1, b -> {});
    assertThat(mesh.body("http://reviews/r")).isEqualTo("shop-reviews");
    assertThat(mesh.body("http://reviews.shop/r")).isEqualTo("shop-reviews");
    assertThat(mesh.body("http://reviews.default/r")).isEqualTo("default-reviews");
    assertThat(mesh.body("http://reviews.default.svc.cluster.local/r")).isEqualTo("default-reviews");
    assertThat(shop.received()).allSatisfy(r -> assertThat(r.getHeaders().get("Host")).startsWith("reviews"));
    assertThat(other.count()).isEqualTo(2);
  }

  @Test
  void reachesServiceEntryEndpointsAndPassesUnknownHostsThrough() throws Exception {
    Backend external = mesh.backend("unused.default.svc.cluster.local", "external");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: payments, namespace: default}
        spec:
          hosts: [payments.example.com]
          location: MESH_EXTERNAL
          resolution: STATIC
          ports: [{number: 80, name: http, protocol: HTTP, targetPort: %d}]
          endpoints: [{address: 127.0.0.1}]
        """.formatted(external.port())).start();
    assertThat(mesh.body("http://payments.example.com/charge")).isEqualTo("external");
    assertThat(external.received().get(0).getHeaders().get("Host")).isEqualTo("payments.example.com");
    // An unknown host under ALLOW_ANY goes where the application said, untouched.
    assertThat(mesh.body("http://127.0.0.1:" + external.port() + "/direct")).isEqualTo("external");
    assertThat(external.count()).isEqualTo(2);
  }

  @Test
  void registryOnlyBlocksAnUnknownHostAtOnceNamingTheHostAndTheSidecar() throws Exception {
    Backend outside = mesh.backend("unused.default.svc.cluster.local", "outside");
    mesh.backend("reviews.default.svc.cluster.local", "reviews");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: default}
        spec:
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """).start();
    String url = "http://127.0.0.1:" + outside.port() + "/x";
    assertThatThrownBy(() -> mesh.get(url))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.NR);
          assertThat(e.getMessage()).contains("127.0.0.1:" + outside.port(), "Sidecar default/default", "REGISTRY_ONLY");
        });
    assertThat(outside.count()).isZero();
    assertThat(mesh.body("http://reviews/r")).isEqualTo("reviews");
  }

  @Test
  void sidecarEgressHostsHideOtherServicesUnderRegistryOnly() throws Exception {
    mesh.backend("reviews.default.svc.cluster.local", "reviews");
    Backend ratings = mesh.backend("ratings.default.svc.cluster.local", "ratings");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: default}
        spec:
          egress: [{hosts: ["./reviews.default.svc.cluster.local"]}]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """).start();
    assertThat(mesh.body("http://reviews/r")).isEqualTo("reviews");
    assertThatThrownBy(() -> mesh.get("http://ratings/r"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.NR));
    assertThat(ratings.count()).isZero();
  }
}
