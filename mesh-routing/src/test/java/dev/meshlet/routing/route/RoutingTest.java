package dev.meshlet.routing.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String SUBSETS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      ---
      """;

  private final MeshFixture mesh = new MeshFixture();
  private Backend v1;
  private Backend v2;
  private Backend v3;

  @BeforeEach
  void backends() {
    v1 = mesh.backend(REVIEWS, "v1", Map.of("version", "v1"));
    v2 = mesh.backend(REVIEWS, "v2", Map.of("version", "v2"));
    v3 = mesh.backend(REVIEWS, "v3", Map.of("version", "v3"));
  }

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  @Test
  void splitsTrafficByRelativeWeightsWithinTheSamplingTolerance() throws Exception {
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route:
            - {destination: {host: reviews, subset: v1}, weight: 3}
            - {destination: {host: reviews, subset: v2}, weight: 1}
        """).start();
    int n = 1000;
    for (int i = 0; i < n; i++) {
      mesh.get("http://reviews/r").close();
    }
    double p = 0.75;
    double tolerance = 4 * Math.sqrt(p * (1 - p) / n); // four standard deviations
    assertThat(v1.count() / (double) n).isCloseTo(p, org.assertj.core.data.Offset.offset(tolerance));
    assertThat(v1.count() + v2.count()).isEqualTo(n);
    assertThat(v3.count()).isZero();
  }

  @Test
  void routesByHeaderQueryMethodAndUriWithTheFirstMatchingRouteWinning() throws Exception {
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: jason
            match:
            - headers: {end-user: {exact: jason}}
            - queryParams: {tester: {regex: "j.*"}}
            route: [{destination: {host: reviews, subset: v2}}]
          - name: admin
            match:
            - uri: {prefix: /ADMIN}
              ignoreUriCase: true
              method: {exact: DELETE}
            route: [{destination: {host: reviews, subset: v3}}]
          - name: anonymous
            match:
            - withoutHeaders: {end-user: {}}
              uri: {regex: "/r/[0-9]+"}
            route: [{destination: {host: reviews, subset: v3}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """).start();
    assertThat(body(new Request.Builder().url("http://reviews/r/1").header("end-user", "jason"))).isEqualTo("v2");
    assertThat(mesh.body("http://reviews/r/x?tester=jane")).isEqualTo("v2");
    assertThat(body(new Request.Builder().url("http://reviews/admin/users").delete())).isEqualTo("v3");
    assertThat(mesh.body("http://reviews/admin/users")).as("GET is not DELETE").isEqualTo("v1");
    assertThat(mesh.body("http://reviews/r/7")).as("no end-user header").isEqualTo("v3");
    assertThat(body(new Request.Builder().url("http://reviews/r/7").header("end-user", "mary"))).isEqualTo("v1");
    assertThat(mesh.body("http://reviews/r/x?tester=mary")).isEqualTo("v1");
  }

  @Test
  void matchesOnTheCallersLabelsAndNamespace() throws Exception {
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          http:
          - match: [{sourceLabels: {app: productpage, version: v9}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - match: [{sourceNamespace: shop}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """);
    mesh.start(new CallerIdentity("productpage", "shop", Map.of("app", "productpage", "version", "v1")), 1, b -> {});
    assertThat(mesh.body("http://reviews.default/r")).isEqualTo("v2");
    try (MeshFixture other = new MeshFixture()) {
      other.config.set(mesh.config.get());
      other.endpoints.set(mesh.endpoints.get());
      other.start(new CallerIdentity("productpage", "default", Map.of("app", "productpage", "version", "v9")), 1,
          b -> {});
      assertThat(other.body("http://reviews/r")).isEqualTo("v3");
    }
  }

  @Test
  void failsWithNoRouteWhenNoRouteMatches() throws Exception {
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: only-api
            match: [{uri: {prefix: /api}}]
            route: [{destination: {host: reviews, subset: v1}}]
        """).start();
    assertThatThrownBy(() -> mesh.get("http://reviews/other"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.NR);
          assertThat(e.getMessage()).contains("VirtualService default/reviews", "GET /other");
        });
    assertThat(v1.count() + v2.count() + v3.count()).isZero();
  }

  @Test
  void answersDirectResponsesWithoutCallingAnyone() throws Exception {
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: maintenance
            directResponse: {status: 503, body: {string: "down for maintenance"}}
        """).start();
    Response r = mesh.get("http://reviews/r");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.body().string()).isEqualTo("down for maintenance");
    assertThat(r.header("x-meshlet-route")).isEqualTo("default/reviews:maintenance");
    assertThat(v1.count() + v2.count() + v3.count()).isZero();
  }

  @Test
  void redirectsAndFollowsOnlyWhereTheApplicationsClientWould() throws Exception {
    String yaml = SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {exact: /old}}]
            redirect: {uri: /new, redirectCode: 302}
          - route: [{destination: {host: reviews, subset: v2}}]
        """;
    mesh.config(yaml);
    mesh.start(CallerIdentity.of("productpage", "default"), 1, b -> {},
        new okhttp3.OkHttpClient.Builder().followRedirects(false));
    Response r = mesh.get("http://reviews/old?q=1");
    assertThat(r.code()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("http://reviews/new?q=1");
    assertThat(v2.count()).isZero();

    try (MeshFixture following = new MeshFixture()) {
      following.config.set(mesh.config.get());
      following.endpoints.set(mesh.endpoints.get());
      following.start();
      Response followed = following.get("http://reviews/old?q=1");
      assertThat(followed.code()).isEqualTo(200);
      assertThat(followed.body().string()).isEqualTo("v2");
      assertThat(v2.received().get(0).getUrl().encodedPath()).isEqualTo("/new");
    }
  }

  @Test
  void rewritesThePrefixTheRegexAndTheAuthority() throws Exception {
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /v1/api}}]
            rewrite: {uri: /api, authority: reviews-internal}
            route: [{destination: {host: reviews, subset: v1}}]
          - match: [{uri: {prefix: /items}}]
            rewrite: {uriRegexRewrite: {match: "^/items/([0-9]+)/(.*)$", rewrite: "/catalog/\\\\2/\\\\1"}}
            route: [{destination: {host: reviews, subset: v2}}]
        """).start();
    mesh.get("http://reviews/v1/api/books?x=1").close();
    assertThat(v1.received().get(0).getTarget()).isEqualTo("/api/books?x=1");
    assertThat(v1.received().get(0).getHeaders().get("Host")).isEqualTo("reviews-internal");
    mesh.get("http://reviews/items/42/detail").close();
    assertThat(v2.received().get(0).getTarget()).isEqualTo("/catalog/detail/42");
    assertThat(v2.received().get(0).getHeaders().get("Host")).isEqualTo("reviews");
  }

  @Test
  void editsRequestAndResponseHeadersPerRouteAndPerDestination() throws Exception {
    v1.respond(r -> new mockwebserver3.MockResponse.Builder().code(200).addHeader("server-secret", "s")
        .addHeader("x-kept", "k").body("v1").build());
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - headers:
              request: {set: {x-route: r}, add: {x-multi: two}, remove: [x-drop]}
              response: {remove: [server-secret], set: {x-served-by: mesh}}
            route:
            - destination: {host: reviews, subset: v1}
              headers:
                request: {set: {x-dest: v1}}
                response: {add: {x-dest: v1}}
        """).start();
    Response r = mesh.call(new Request.Builder().url("http://reviews/r").header("x-drop", "1").header("x-multi", "one")
        .build());
    var got = v1.received().get(0).getHeaders();
    assertThat(got.get("x-route")).isEqualTo("r");
    assertThat(got.get("x-dest")).isEqualTo("v1");
    assertThat(got.values("x-multi")).containsExactly("one", "two");
    assertThat(got.get("x-drop")).isNull();
    assertThat(r.header("server-secret")).isNull();
    assertThat(r.header("x-served-by")).isEqualTo("mesh");
    assertThat(r.header("x-dest")).isEqualTo("v1");
    assertThat(r.header("x-kept")).isEqualTo("k");
  }

  @Test
  void failsWithNoClusterWhenTheSubsetIsNotDefined() throws Exception {
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: v9}}]
        """).start();
    assertThatThrownBy(() -> mesh.get("http://reviews/r"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.NC);
          assertThat(e.getMessage()).contains("subset v9");
        });
  }

  private String body(Request.Builder b) throws Exception {
    return mesh.call(b.build()).body().string();
  }

  @Test
  void plansARequestWithoutSendingIt() throws Exception {
    mesh.config(SUBSETS + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: jason
            match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
        """).start();
    dev.meshlet.routing.RoutePlan plan = mesh.mesh().plan(
        new Request.Builder().url("http://reviews/r").header("end-user", "jason").build());
    assertThat(plan.route()).isEqualTo("default/reviews:jason");
    assertThat(plan.destination()).isEqualTo("outbound|80|v2|" + REVIEWS);
    assertThat(plan.endpoint()).isEqualTo("127.0.0.1:" + v2.port());
    assertThat(plan.failure()).isNull();
    assertThat(mesh.mesh().plan(new Request.Builder().url("http://reviews/r").build()).failure())
        .isEqualTo(ResponseFlag.NR);
    assertThat(v1.count() + v2.count() + v3.count()).isZero();
  }
}
