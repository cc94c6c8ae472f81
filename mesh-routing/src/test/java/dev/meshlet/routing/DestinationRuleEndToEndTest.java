package dev.meshlet.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import dev.meshlet.routing.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DestinationRule policies (load balancing, outlier detection, pool limits) through the whole request path. */
class DestinationRuleEndToEndTest {
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    release.countDown();
    pool.shutdownNow();
    mesh.close();
  }

  private MockResponse held(String body) {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new MockResponse.Builder().body(body).build();
  }

  @Test
  void leastRequestSendsLessToTheEndpointWithRequestsInFlight() throws Exception {
    Semaphore landed = new Semaphore(0);
    Backend busy = mesh.backend(REVIEWS, "busy").respond(r -> {
      if (r.getUrl().encodedPath().equals("/hold")) {
        landed.release();
        return held("busy");
      }
      return new MockResponse.Builder().body("busy").build();
    });
    Backend idle = mesh.backend(REVIEWS, "idle");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
        """).start();
    // Park five requests on "busy": send holds until five have landed there (the others return from "idle").
    int parked = 0;
    List<Future<?>> holds = new ArrayList<>();
    while (parked < 5) {
      Future<Response> f = pool.submit(() -> mesh.get("http://reviews/hold"));
      holds.add(f);
      while (true) {
        if (landed.tryAcquire(10, TimeUnit.MILLISECONDS)) {
          parked++;
          break;
        }
        if (f.isDone()) {
          break;
        }
      }
    }
    int busyBefore = busy.count();
    int n = 200;
    for (int i = 0; i < n; i++) {
      mesh.get("http://reviews/work").close();
    }
    double busyShare = (busy.count() - busyBefore) / (double) n;
    // Two draws: "idle" wins unless both land on "busy" (1/4); round robin or random would give 1/2.
    double tolerance = 4 * Math.sqrt(0.25 * 0.75 / n);
    assertThat(busyShare).isLessThanOrEqualTo(0.25 + tolerance);
    assertThat(idle.count()).isGreaterThan(n / 2);
  }

  @Test
  void outlierDetectionEjectsAFailingEndpointAndLetsItBackWhenItsTimeIsUp() throws Exception {
    TestClock clock = new TestClock();
    Backend bad = mesh.backend(REVIEWS, "bad").respondStatus(503);
    Backend good = mesh.backend(REVIEWS, "good");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 2, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            retries: {attempts: 0}
        """);
    mesh.start(CallerIdentity.of("productpage", "default"), 11, b -> b.clock(clock));
    for (int i = 0; i < 4; i++) {
      mesh.get("http://reviews/r").close();
    }
    assertThat(bad.count()).as("ejected after two 503s in a row").isEqualTo(2);
    for (int i = 0; i < 20; i++) {
      assertThat(mesh.get("http://reviews/r").code()).isEqualTo(200);
    }
    assertThat(bad.count()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(29));
    mesh.get("http://reviews/r").close();
    mesh.get("http://reviews/r").close();
    assertThat(bad.count()).as("still ejected at 29 s").isEqualTo(2);
    clock.advance(Duration.ofSeconds(2));
    for (int i = 0; i < 4; i++) {
      mesh.get("http://reviews/r").close();
    }
    assertThat(bad.count()).as("back after 30 s").isGreaterThan(2);
    assertThat(good.count()).isGreaterThanOrEqualTo(24);
  }

  @Test
  void everyEndpointEjectedFailsWithNoHealthyUpstream() throws Exception {
    TestClock clock = new TestClock();
    mesh.backend(REVIEWS, "bad").respondStatus(502);
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            outlierDetection: {consecutiveGatewayErrors: 1, baseEjectionTime: 30s, maxEjectionPercent: 100}
        """);
    mesh.start(CallerIdentity.of("productpage", "default"), 11,
        b -> b.clock(clock).retryBudget(dev.meshlet.routing.retry.RetryBudgetConfig.UNLIMITED));
    mesh.get("http://reviews/r").close();
    assertThatThrownBy(() -> mesh.get("http://reviews/r"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.UH);
          assertThat(e.getMessage()).contains("ejected", "outbound|80||reviews.default.svc.cluster.local");
        });
  }

  @Test
  void overflowingTheConnectionPoolFailsAtOnceWithUpstreamOverflow() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    Backend reviews = mesh.backend(REVIEWS, "reviews").respond(r -> {
      arrived.countDown();
      return held("reviews");
    });
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            connectionPool:
              tcp: {maxConnections: 1}
              http: {http2MaxRequests: 1, http1MaxPendingRequests: 1}
        """).start();
    Future<Response> first = pool.submit(() -> mesh.get("http://reviews/slow"));
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    assertThatThrownBy(() -> mesh.get("http://reviews/r"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.UO);
          assertThat(e.destination()).isEqualTo("outbound|80||reviews.default.svc.cluster.local");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).code()).isEqualTo(200);
    assertThat(reviews.count()).isEqualTo(1);
    assertThat(mesh.get("http://reviews/r").code()).as("a permit is free again").isEqualTo(200);
  }
}
