package dev.meshlet.benchmarks.mesh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The realistic config of the Meshlet scenarios, as Istio YAML in one directory per side and
 * mode, which each {@code Mesh} loads (and watches) as a service would:
 *
 * <ul>
 *   <li>client: a VirtualService for {@code reviews} whose request falls through two match routes
 *       (a header match, a URI prefix) to a third (URI prefix and method, with a timeout and
 *       retries), a default route after it; a DestinationRule with LEAST_REQUEST, a connection
 *       pool limit, outlier detection, three subsets, and TLS ISTIO_MUTUAL or DISABLE;
 *   <li>server: an AuthorizationPolicy that admits the call (by principal with mTLS, by method and
 *       path without), and with mTLS a STRICT PeerAuthentication.
 * </ul>
 *
 * The pool limit is above the harness's 16 connections, and no maxRequestsPerConnection is set:
 * the baselines keep their connections alive, so the mesh does too. The route timeout is the
 * harness's call timeout (10 s) and tries have no shorter one: a cold JVM's first 16 concurrent
 * TLS handshakes take seconds on two busy cores, and per-try timeouts of 1 s, then 4 s, made
 * outlier detection eject the only endpoint during the warm-up (every call then fails for
 * baseEjectionTime).
 */
public final class MeshletConfig {
  /** The service the client calls and the server is. */
  public static final String SERVER = "reviews";
  /** The calling service. */
  public static final String CLIENT = "bench-client";
  /** What the client calls: the service name; routing picks the endpoint. */
  public static final String URL = "http://reviews/reviews/0";

  private MeshletConfig() {}

  /** The shared CA (Istio's cacerts layout); the server's Mesh creates it, the client's loads it. */
  public static Path caDirectory(Path meshDir) {
    return meshDir.resolve("cacerts");
  }

  /** The config directory of one side ({@code client} or {@code server}) in one mode. */
  public static Path configDirectory(Path meshDir, String side, boolean mtls) {
    return meshDir.resolve(side + (mtls ? "-mtls" : "-plain"));
  }

  /** Writes the four config directories under {@code meshDir}. */
  public static void write(Path meshDir) throws IOException {
    for (boolean mtls : new boolean[] {false, true}) {
      write(configDirectory(meshDir, "client", mtls), "routing.yaml", client(mtls));
      write(configDirectory(meshDir, "server", mtls), "security.yaml", server(mtls));
    }
  }

  static String client(boolean mtls) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: jason-to-v2
            match:
            - headers: {end-user: {exact: jason}}
            route: [{destination: {host: reviews, subset: v2}}]
          - name: ratings-canary
            match:
            - uri: {prefix: /ratings/}
            route:
            - {destination: {host: reviews, subset: v1}, weight: 90}
            - {destination: {host: reviews, subset: v3}, weight: 10}
          - name: reviews-api
            match:
            - uri: {prefix: /reviews/}
              method: {exact: GET}
            route: [{destination: {host: reviews, subset: v1}}]
            timeout: 10s
            retries: {attempts: 2, retryOn: "5xx,reset,connect-failure"}
          - name: default
            route: [{destination: {host: reviews, subset: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: LEAST_REQUEST}
            connectionPool:
              tcp: {maxConnections: 100, connectTimeout: 1s}
              http: {http1MaxPendingRequests: 1024, http2MaxRequests: 1000}
            outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
            tls: {mode: %s}
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        """.formatted(mtls ? "ISTIO_MUTUAL" : "DISABLE");
  }

  static String server(boolean mtls) {
    String from = mtls
        ? "  - from: [{source: {principals: [\"cluster.local/ns/default/sa/" + CLIENT + "\"]}}]\n"
            + "    to: [{operation: {methods: [GET], paths: [\"/reviews/*\"]}}]\n"
        : "  - to: [{operation: {methods: [GET], paths: [\"/reviews/*\"]}}]\n";
    String policy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews-readers, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          action: ALLOW
          rules:
        """ + from;
    if (!mtls) {
      return policy;
    }
    return policy + """
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec:
          mtls: {mode: STRICT}
        """;
  }

  private static void write(Path dir, String file, String yaml) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(file), yaml, StandardCharsets.UTF_8);
  }
}
