package dev.meshlet.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Istio's Bookinfo traffic-management rules, as its tasks write them, against real servers. */
class BookinfoTest {
  private static final String DESTINATION_RULES = """
      apiVersion: networking.istio.io/v1alpha3
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
        - name: v3
          labels:
            version: v3
      ---
      apiVersion: networking.istio.io/v1alpha3
      kind: DestinationRule
      metadata:
        name: ratings
      spec:
        host: ratings
        subsets:
        - name: v1
          labels:
            version: v1
      ---
      """;

  private final MeshFixture mesh = new MeshFixture();
  private Backend ratings;

  @BeforeEach
  void bookinfo() {
    for (String v : new String[] {"v1", "v2", "v3"}) {
      mesh.backend("reviews.default.svc.cluster.local", "reviews-" + v, Map.of("app", "reviews", "version", v));
    }
    ratings = mesh.backend("ratings.default.svc.cluster.local", "ratings-v1", Map.of("app", "ratings", "version", "v1"));
  }

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  private String asUser(String url, String user) throws Exception {
    Request.Builder b = new Request.Builder().url(url);
    if (user != null) {
      b.header("end-user", user);
    }
    Response r = mesh.call(b.build());
    return r.code() + " " + r.body().string();
  }

  @Test
  void requestRoutingSendsJasonToV2AndEveryoneElseToV1() throws Exception {
    mesh.config(DESTINATION_RULES + """
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts:
            - reviews
          http:
          - match:
            - headers:
                end-user:
                  exact: jason
            route:
            - destination:
                host: reviews
                subset: v2
          - route:
            - destination:
                host: reviews
                subset: v1
        """).start();
    for (int i = 0; i < 5; i++) {
      assertThat(asUser("http://reviews:9080/reviews/0", "jason")).isEqualTo("200 reviews-v2");
      assertThat(asUser("http://reviews:9080/reviews/0", null)).isEqualTo("200 reviews-v1");
      assertThat(asUser("http://reviews:9080/reviews/0", "mary")).isEqualTo("200 reviews-v1");
    }
  }

  @Test
  void trafficShiftingSplitsFiftyFiftyBetweenV1AndV3() throws Exception {
    mesh.config(DESTINATION_RULES + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts:
            - reviews
          http:
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: 50
            - destination:
                host: reviews
                subset: v3
              weight: 50
        """).start();
    int n = 400;
    int v3 = 0;
    for (int i = 0; i < n; i++) {
      String body = asUser("http://reviews:9080/reviews/0", null);
      assertThat(body).isIn("200 reviews-v1", "200 reviews-v3");
      v3 += body.endsWith("v3") ? 1 : 0;
    }
    assertThat(v3 / (double) n).isCloseTo(0.5, Offset.offset(4 * Math.sqrt(0.25 / n)));
  }

  @Test
  void faultInjectionAbortsJasonsRatingsAndSparesOthers() throws Exception {
    mesh.config(DESTINATION_RULES + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: ratings
        spec:
          hosts:
          - ratings
          http:
          - match:
            - headers:
                end-user:
                  exact: jason
            fault:
              abort:
                percentage:
                  value: 100.0
                httpStatus: 500
            route:
            - destination:
                host: ratings
                subset: v1
          - route:
            - destination:
                host: ratings
                subset: v1
        """).start();
    assertThat(asUser("http://ratings:9080/ratings/0", "jason")).isEqualTo("500 fault filter abort");
    assertThat(asUser("http://ratings:9080/ratings/0", "mary")).isEqualTo("200 ratings-v1");
    assertThat(ratings.count()).isEqualTo(1);
  }

  @Test
  void requestTimeoutsCutASlowRatingsCallShort() throws Exception {
    ratings.respond(r -> new mockwebserver3.MockResponse.Builder()
        .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS).body("slow").build());
    mesh.config(DESTINATION_RULES + """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: ratings
        spec:
          hosts:
          - ratings
          http:
          - route:
            - destination:
                host: ratings
                subset: v1
            timeout: 0.5s
        """).start();
    long start = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> mesh.get("http://ratings:9080/ratings/0"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UT));
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(400L, 1900L);
  }
}
