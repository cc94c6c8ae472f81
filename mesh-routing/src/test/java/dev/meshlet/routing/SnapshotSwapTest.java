package dev.meshlet.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.testing.MeshFixture;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class SnapshotSwapTest {
  private static String routeTo(String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: %s}}]
        """.formatted(subset);
  }

  @Test
  void swappingConfigUnderConcurrentLoadDropsNoCall() throws Exception {
    try (MeshFixture mesh = new MeshFixture()) {
      mesh.backend("reviews.default.svc.cluster.local", "v1", Map.of("version", "v1"));
      mesh.backend("reviews.default.svc.cluster.local", "v2", Map.of("version", "v2"));
      ConfigSnapshot one = MeshFixture.snapshot(routeTo("v1"));
      ConfigSnapshot two = MeshFixture.snapshot(routeTo("v2"));
      mesh.config.set(one);
      mesh.start();
      int threads = 6;
      int perThread = 150;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      AtomicBoolean running = new AtomicBoolean(true);
      CountDownLatch go = new CountDownLatch(1);
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger ok = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            Response r = mesh.get("http://reviews/r");
            assertThat(r.code()).isEqualTo(200);
            seen.add(r.body().string());
            ok.incrementAndGet();
          }
          return null;
        }));
      }
      int swaps = 0;
      go.countDown();
      while (ok.get() < threads * perThread && swaps < 10_000) {
        mesh.config.set(swaps++ % 2 == 0 ? two : one);
        Thread.sleep(1);
      }
      running.set(false);
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(ok.get()).isEqualTo(threads * perThread);
      assertThat(seen).containsExactlyInAnyOrder("v1", "v2");
      assertThat(swaps).isGreaterThan(10);
    }
  }

  @Test
  void aSnapshotThatCannotCompileIsRefusedWholeAndTheLastGoodOneStays() throws Exception {
    try (MeshFixture mesh = new MeshFixture()) {
      mesh.backend("reviews.default.svc.cluster.local", "v1", Map.of("version", "v1"));
      mesh.backend("reviews.default.svc.cluster.local", "v2", Map.of("version", "v2"));
      mesh.config(routeTo("v1")).start();
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v1");
      // Validation refuses this regex; pushed anyway, the compile step refuses the whole snapshot.
      mesh.unvalidatedConfig(routeTo("v2").replace("- route:", "- match: [{uri: {regex: \"a(b\"}}]\n    route:"));
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v1");
      mesh.config(routeTo("v2"));
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v2");
    }
  }

  private static String stableIs(String version) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          subsets:
          - {name: stable, labels: {version: %s}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: stable}}]
        """.formatted(version);
  }

  // A route target keeps the cluster it resolved to for the compiled mesh of its snapshot: the
  // next snapshot or endpoint set must be what the next call sees, not the kept cluster.
  @Test
  void aDestinationRuleChangeReachesTheNextCallThoughTheRouteIsTheSame() throws Exception {
    try (MeshFixture mesh = new MeshFixture()) {
      mesh.backend("reviews.default.svc.cluster.local", "v1", Map.of("version", "v1"));
      mesh.backend("reviews.default.svc.cluster.local", "v2", Map.of("version", "v2"));
      mesh.config(stableIs("v1")).start();
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v1");
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v1");
      mesh.config(stableIs("v2"));
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v2");
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v2");
      mesh.config(stableIs("v1"));
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v1");
    }
  }

  @Test
  void anEndpointRegisteredLaterReachesTheNextCallOfAnUnchangedConfig() throws Exception {
    try (MeshFixture mesh = new MeshFixture()) {
      mesh.backend("reviews.default.svc.cluster.local", "v1", Map.of("version", "v1"));
      mesh.config(stableIs("v2")).start();
      assertThatThrownBy(() -> mesh.get("http://reviews/r"))
          .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UH));
      mesh.backend("reviews.default.svc.cluster.local", "v2", Map.of("version", "v2"));
      assertThat(mesh.body("http://reviews/r")).isEqualTo("v2");
    }
  }
}
