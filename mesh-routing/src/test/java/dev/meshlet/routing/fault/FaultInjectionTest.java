package dev.meshlet.routing.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import okhttp3.Response;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  private final MeshFixture mesh = new MeshFixture();

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  @Test
  void abortsAndDelaysTheirOwnSharesOfRequestsIndependently() throws Exception {
    Backend ratings = mesh.backend("ratings.default.svc.cluster.local", "ratings");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - fault:
              delay: {fixedDelay: 1ms, percentage: {value: 40.0}}
              abort: {httpStatus: 418, percentage: {value: 25.5}}
            route: [{destination: {host: ratings}}]
        """).start();
    int n = 600;
    int aborted = 0;
    int delayed = 0;
    int both = 0;
    for (int i = 0; i < n; i++) {
      Response r = mesh.get("http://ratings/r");
      String flags = r.header(MeshHeaders.RESPONSE_FLAGS, "");
      boolean fi = flags.contains("FI");
      boolean di = flags.contains("DI");
      if (fi) {
        aborted++;
        assertThat(r.code()).isEqualTo(418);
      } else {
        assertThat(r.code()).isEqualTo(200);
      }
      delayed += di ? 1 : 0;
      both += fi && di ? 1 : 0;
    }
    assertThat(aborted / (double) n).isCloseTo(0.255, tolerance(0.255, n));
    assertThat(delayed / (double) n).isCloseTo(0.40, tolerance(0.40, n));
    assertThat(both / (double) n).as("independent").isCloseTo(0.255 * 0.40, tolerance(0.102, n));
    assertThat(ratings.count()).isEqualTo(n - aborted);
  }

  @Test
  void aDelayedCallTakesAtLeastTheDelay() throws Exception {
    mesh.backend("ratings.default.svc.cluster.local", "ratings");
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - fault: {delay: {fixedDelay: 150ms}}
            route: [{destination: {host: ratings}}]
        """).start();
    long start = System.nanoTime();
    Response r = mesh.get("http://ratings/r");
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(150);
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.header(MeshHeaders.RESPONSE_FLAGS)).isEqualTo("DI");
  }

  /** Four standard deviations of a proportion {@code p} estimated from {@code n} samples. */
  static Offset<Double> tolerance(double p, int n) {
    return Offset.offset(4 * Math.sqrt(p * (1 - p) / n));
  }
}
