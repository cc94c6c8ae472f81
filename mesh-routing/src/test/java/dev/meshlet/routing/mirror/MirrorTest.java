package dev.meshlet.routing.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MirrorTest {
  private static final String MIRRORED = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirror: {host: reviews-canary}
          mirrorPercentage: {value: %s}
      """;

  private final MeshFixture mesh = new MeshFixture();

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  @Test
  void aMirrorGetsCopiesWithTheShadowHostAndBody() throws Exception {
    Backend reviews = mesh.backend("reviews.default.svc.cluster.local", "reviews");
    CountDownLatch copies = new CountDownLatch(5);
    Backend canary = mesh.backend("reviews-canary.default.svc.cluster.local", "canary").respond(r -> {
      copies.countDown();
      return new MockResponse.Builder().body("canary").build();
    });
    mesh.config(MIRRORED.formatted("100.0")).start();
    for (int i = 0; i < 5; i++) {
      mesh.call(new Request.Builder().url("http://reviews/r/" + i)
          .post(RequestBody.create("body-" + i, MediaType.get("text/plain"))).build());
    }
    assertThat(reviews.count()).isEqualTo(5);
    assertThat(copies.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(canary.received()).allSatisfy(r -> {
      assertThat(r.getHeaders().get("Host")).isEqualTo("reviews-shadow");
      assertThat(r.getBody().utf8()).startsWith("body-");
    });
    assertThat(reviews.received()).allSatisfy(r -> assertThat(r.getBody().utf8()).startsWith("body-"));
  }

  @Test
  void mirrorsOnlyTheConfiguredShare() throws Exception {
    mesh.backend("reviews.default.svc.cluster.local", "reviews");
    CountDownLatch lastCopy = new CountDownLatch(1);
    Backend canary = mesh.backend("reviews-canary.default.svc.cluster.local", "canary").respond(r -> {
      if (r.getHeaders().get("x-last") != null) {
        lastCopy.countDown();
      }
      return new MockResponse.Builder().body("canary").build();
    });
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{headers: {x-last: {}}}]
            route: [{destination: {host: reviews}}]
            mirror: {host: reviews-canary}
          - route: [{destination: {host: reviews}}]
            mirror: {host: reviews-canary}
            mirrorPercentage: {value: 30.0}
        """);
    // One mirror thread, a queue long enough for all: copies go out in order, so when the last
    // (always mirrored) copy arrives, every earlier one has.
    mesh.start(CallerIdentity.of("productpage", "default"), 5, b -> b.mirrorCapacity(1, 1000));
    int n = 600;
    for (int i = 0; i < n; i++) {
      mesh.get("http://reviews/r").close();
    }
    mesh.call(new Request.Builder().url("http://reviews/r").header("x-last", "1").build());
    assertThat(lastCopy.await(20, TimeUnit.SECONDS)).isTrue();
    double tolerance = 4 * Math.sqrt(0.3 * 0.7 / n);
    assertThat((canary.count() - 1) / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(tolerance));
  }

  @Test
  void aStalledMirrorNeitherSlowsNorFailsTheCallerAndItsCopiesAreBounded() throws Exception {
    Backend reviews = mesh.backend("reviews.default.svc.cluster.local", "reviews");
    CountDownLatch release = new CountDownLatch(1);
    mesh.backend("reviews-canary.default.svc.cluster.local", "canary").respond(r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new MockResponse.Builder().code(500).build();
    });
    mesh.config(MIRRORED.formatted("100.0"));
    mesh.start(CallerIdentity.of("productpage", "default"), 3, b -> b.mirrorCapacity(2, 3));
    try {
      for (int i = 0; i < 50; i++) {
        assertThat(mesh.get("http://reviews/r").code()).isEqualTo(200);
      }
      assertThat(reviews.count()).isEqualTo(50);
      // Two copies run (stalled), three wait; the other 45 were dropped rather than queued.
      assertThat(mesh.mesh().droppedMirrors()).isEqualTo(45);
    } finally {
      release.countDown();
    }
  }
}
