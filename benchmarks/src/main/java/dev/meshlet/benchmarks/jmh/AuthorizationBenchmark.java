package dev.meshlet.benchmarks.jmh;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.tls.authz.AuthorizationDecision;
import dev.meshlet.tls.authz.ConnectionAttributes;
import dev.meshlet.tls.authz.IpAddress;
import dev.meshlet.tls.authz.RequestAttributes;
import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.authz.SourceIdentity;
import dev.meshlet.tls.authz.WorkloadAuthorizer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request cost of authorization with 20 AuthorizationPolicies on one workload (10 DENY
 * that do not match, 10 ALLOW of which the last matches): what every inbound request pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthorizationBenchmark {
  private WorkloadAuthorizer authorizer;
  private RequestAttributes request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      yaml.append("""
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: deny-%1$d}
          spec:
            action: DENY
            rules:
            - from: [{source: {namespaces: ["blocked-%1$d"]}}]
            - to: [{operation: {paths: ["/admin/%1$d/*"], methods: ["DELETE"]}}]
              when: [{key: "request.headers[x-debug]", values: ["on-%1$d"]}]
          ---
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: allow-%1$d}
          spec:
            action: ALLOW
            rules:
            - from: [{source: {principals: ["cluster.local/ns/default/sa/caller-%1$d"]}}]
              to: [{operation: {methods: ["GET", "HEAD"], paths: ["/reviews/*"]}}]
          ---
          """.formatted(i));
    }
    yaml.append("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow-productpage}
        spec:
          action: ALLOW
          rules:
          - from: [{source: {principals: ["cluster.local/ns/default/sa/productpage"]}}]
            to: [{operation: {methods: ["GET"], paths: ["/reviews/*"]}}]
        """);
    List<Resource<AuthorizationPolicy>> policies = new ArrayList<>();
    for (ResourceReport r : ConfigReader.read("bench.yaml", yaml.toString())) {
      if (!r.valid()) {
        throw new IllegalStateException(String.join("\n", r.lines()));
      }
      policies.add(r.resource().as(AuthorizationPolicy.class));
    }
    policies = policies.subList(policies.size() - 20, policies.size());
    authorizer = WorkloadAuthorizer.compile(policies);
    ConnectionAttributes connection = new ConnectionAttributes(
        SourceIdentity.ofPrincipal("cluster.local/ns/default/sa/productpage"),
        IpAddress.of(InetAddress.getByName("127.0.0.1")), IpAddress.of(InetAddress.getByName("127.0.0.2")),
        9080, null);
    Map<String, String> headers = Map.of("user-agent", "okhttp/5.5.1", "end-user", "jason");
    request = RequestAttributes.of(connection, "GET", "/reviews/0?x=1", "reviews:9080", RequestHeaders.of(headers));
    AuthorizationDecision d = authorizer.evaluate(request);
    if (!d.allowed()) {
      throw new IllegalStateException("the benchmark's request must be allowed: " + d);
    }
  }

  @Benchmark
  public AuthorizationDecision evaluateTwentyPolicies() {
    return authorizer.evaluate(request);
  }
}
