package dev.meshlet.core.telemetry;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Map;

/** Bookinfo's productpage calling reviews v2 over mutual TLS, as telemetry tests see it. */
public final class Fixtures {
  public static final String PRODUCTPAGE_ID = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
  public static final String REVIEWS_ID = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

  private Fixtures() {}

  public static WorkloadLabels productpage() {
    return WorkloadLabels.of(
        new WorkloadInstance(
            "productpage",
            "default",
            "10.0.0.5",
            Map.of("http", 9080),
            Map.of("app", "productpage", "version", "v1"),
            "bookinfo-productpage",
            null),
        "Kubernetes");
  }

  public static WorkloadLabels reviews() {
    return WorkloadLabels.of(
        new WorkloadInstance(
            "reviews",
            "default",
            "10.0.0.7",
            Map.of("http", 9080),
            Map.of("app", "reviews", "version", "v2"),
            "bookinfo-reviews",
            null),
        "Kubernetes");
  }

  /** What productpage's client reports for a call to reviews v2 over mutual TLS. */
  public static TrafficLabels clientSide() {
    return TrafficLabels.source(
        productpage().withPrincipal(PRODUCTPAGE_ID),
        reviews().withPrincipal(REVIEWS_ID),
        ServiceLabels.ofHost("reviews.default.svc.cluster.local"));
  }

  /** What reviews' server reports for the same call. */
  public static TrafficLabels serverSide() {
    return TrafficLabels.destination(
        productpage().withPrincipal(PRODUCTPAGE_ID),
        reviews().withPrincipal(REVIEWS_ID),
        ServiceLabels.ofHost("reviews.default.svc.cluster.local"),
        true);
  }

  /** A 200 from reviews that took 3.2 ms, 120 bytes in and 1500 out. */
  public static CallRecord.Builder okCall(TrafficLabels labels) {
    return CallRecord.builder(labels)
        .responseCode(200)
        .durationNanos(3_200_000)
        .requestBytes(120)
        .responseBytes(1500)
        .startEpochMillis(1_764_100_000_123L)
        .request("GET", "/reviews/0", "HTTP/1.1")
        .responseCodeDetails("via_upstream")
        .upstreamServiceTimeMillis(3)
        .userAgent("okhttp/5.5.1")
        .requestId("7e6a1c2e-5d4f-4f3e-9a61-5e1f0c2b7d11")
        .authority("reviews:9080")
        .upstream("10.0.0.7:9080", "outbound|9080|v2|reviews.default.svc.cluster.local")
        .upstreamLocalAddress("10.0.0.5:51234")
        .downstreamLocalAddress("10.0.0.5:0")
        .downstreamRemoteAddress("10.0.0.5:0")
        .routeName("reviews")
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736");
  }
}
