package dev.meshlet.benchmarks.jmh;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshRouting;
import dev.meshlet.routing.RoutePlan;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of Meshlet's outbound decision, no network: resolve the host, match a
 * 10-route VirtualService (the request matches the last route, the worst case), pick a weighted
 * destination, look up the merged DestinationRule policy (LEAST_REQUEST, outlier detection,
 * pool limits) and pick an endpoint among six. This is what a call adds before OkHttp sends it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingChainBenchmark {
  private MeshRouting mesh;
  private Request lastRoute;
  private Request firstRoute;

  @Setup(Level.Trial)
  public void setUp() {
    StringBuilder vs = new StringBuilder("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
        """);
    for (int i = 0; i < 9; i++) {
      vs.append("  - match:\n")
          .append("    - headers: {end-user: {exact: user").append(i).append("}}\n")
          .append("      uri: {prefix: /api/v").append(i).append("}\n")
          .append("    route: [{destination: {host: reviews, subset: v2}}]\n");
    }
    vs.append("""
          - route:
            - destination: {host: reviews, subset: v1}
              weight: 80
            - destination: {host: reviews, subset: v3}
              weight: 20
            retries: {attempts: 2, perTryTimeout: 1s}
            timeout: 3s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: LEAST_REQUEST}
            connectionPool:
              tcp: {maxConnections: 100}
              http: {http1MaxPendingRequests: 100, http2MaxRequests: 1000}
            outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        """);
    List<Resource<?>> resources = new ArrayList<>();
    for (ResourceReport r : ConfigReader.read("bench.yaml", vs.toString())) {
      if (!r.valid()) {
        throw new IllegalStateException(String.join("\n", r.lines()));
      }
      resources.add(r.resource());
    }
    ConfigSnapshot snapshot = ConfigSnapshot.of(1, resources);
    List<WorkloadInstance> instances = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String version = "v" + (i % 3 + 1);
      instances.add(new WorkloadInstance("reviews", "default", "127.0.0." + (i + 1), Map.of("http", 9080),
          Map.of("app", "reviews", "version", version), "reviews", null));
    }
    EndpointRegistry registry = EndpointRegistry.of(instances);
    mesh = MeshRouting.builder(new CallerIdentity("productpage", "default", Map.of("app", "productpage")))
        .config(() -> snapshot)
        .endpoints(() -> registry)
        .random(new SplittableRandom(42))
        .build();
    lastRoute = new Request.Builder().url("http://reviews:9080/reviews/0").header("end-user", "jason").build();
    firstRoute = new Request.Builder().url("http://reviews:9080/api/v0/x").header("end-user", "user0").build();
    RoutePlan plan = mesh.plan(lastRoute);
    if (plan.endpoint() == null) {
      throw new IllegalStateException("the benchmark's request routes nowhere: " + plan);
    }
  }

  @TearDown
  public void tearDown() {
    mesh.close();
  }

  /** The request falls through nine header-and-prefix routes to the weighted default route. */
  @Benchmark
  public RoutePlan planThroughTenRoutes() {
    return mesh.plan(lastRoute);
  }

  /** The request matches the first route. */
  @Benchmark
  public RoutePlan planFirstRoute() {
    return mesh.plan(firstRoute);
  }
}
