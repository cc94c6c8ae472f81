package dev.meshlet.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.tls.testing.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every server adapter must do with DESIGN.md's inbound walk, checked with real servers on
 * loopback, real mTLS from the mesh CA, OkHttp and curl. Each adapter's test says how to start
 * its server with a handler that answers {@link MeshFixture#describe}.
 */
public abstract class InboundAdapterContract {

  /** A running server under test. */
  public interface Running extends AutoCloseable {
    int port();

    InboundChains chains();

    @Override
    void close();
  }

  protected static final String STRICT = """
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: bookinfo}
      spec:
        mtls: {mode: STRICT}
      """;

  protected static final String POLICIES = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: deny-admin, namespace: bookinfo}
      spec:
        selector: {matchLabels: {app: reviews}}
        action: DENY
        rules:
        - to: [{operation: {paths: ["/admin*"]}}]
      ---
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: allow-productpage, namespace: bookinfo}
      spec:
        selector: {matchLabels: {app: reviews}}
        action: ALLOW
        rules:
        - from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/productpage"]}}]
      """;

  @TempDir Path dir;
  protected MeshFixture mesh;
  private final List<Running> servers = new ArrayList<>();

  /** Starts the adapter's server for {@code context}, its handler answering {@code mesh.describe(call)}. */
  protected abstract Running start(InboundContext context) throws Exception;

  /** Whether the adapter closes a refused connection (JDK, Jetty) rather than answering 403 (a servlet filter). */
  protected boolean closesRefusedConnections() {
    return true;
  }

  @BeforeEach
  void createMesh() throws Exception {
    mesh = new MeshFixture(dir);
  }

  @AfterEach
  void closeAll() {
    servers.forEach(Running::close);
    mesh.close();
  }

  protected final Running started(InboundContext context) throws Exception {
    Running server = start(context);
    servers.add(server);
    return server;
  }

  @Test
  void strictRefusesPlaintextAndServesMeshMtlsWithThePeerPrincipal() throws Exception {
    mesh.apply(STRICT);
    Running server = started(mesh.context());

    if (closesRefusedConnections()) {
      assertThatThrownBy(() -> get(mesh.plain, "http://127.0.0.1:" + server.port() + "/reviews/1"))
          .isInstanceOf(IOException.class);
    } else {
      assertThat(status(mesh.plain, "http://127.0.0.1:" + server.port() + "/reviews/1")).isEqualTo(403);
    }
    assertThat(mesh.handled).hasValue(0);

    String body = get(mesh.mesh, "https://127.0.0.1:" + server.port() + "/reviews/1");
    assertThat(body).contains("principal=" + MeshFixture.CLIENT_PRINCIPAL + "\n", "security=mutual_tls\n");
    assertThat(mesh.handled).hasValue(1);
  }

  @Test
  void strictRefusesPlainCurl() throws Exception {
    mesh.apply(STRICT);
    Running server = started(mesh.context());

    Command.Result plain = mesh.curl("http://127.0.0.1:" + server.port() + "/");

    if (closesRefusedConnections()) {
      assertThat(plain.exitCode()).as(plain.output()).isNotZero();
    } else {
      assertThat(plain.output()).startsWith("mTLS required").endsWith("403 1.1");
    }
    assertThat(mesh.handled).hasValue(0);
  }

  @Test
  void permissiveServesPlainCurlAndMtlsCurlOnOnePort() throws Exception {
    Running server = started(mesh.context());
    String url = "https://127.0.0.1:" + server.port() + "/";

    Command.Result plain = mesh.curl("http://127.0.0.1:" + server.port() + "/");
    List<String> args = new ArrayList<>(mesh.mtlsCurlArgs());
    args.add(url);
    Command.Result mtls = mesh.curl(args.toArray(new String[0]));

    assertThat(plain.exitCode()).as(plain.output()).isZero();
    assertThat(plain.output()).contains("principal=null\n", "security=none\n").endsWith("200 1.1");
    assertThat(mtls.exitCode()).as(mtls.output()).isZero();
    assertThat(mtls.output()).contains("principal=" + MeshFixture.CLIENT_PRINCIPAL + "\n", "security=mutual_tls\n")
        .contains("200 ");
  }

  @Test
  void permissiveServesPlainAndMeshOkHttpOnOnePort() throws Exception {
    Running server = started(mesh.context());

    assertThat(get(mesh.plain, "http://127.0.0.1:" + server.port() + "/")).contains("security=none");
    assertThat(get(mesh.mesh, "https://127.0.0.1:" + server.port() + "/")).contains("security=mutual_tls");
    MeshFixture.eventually(() -> {
      assertThat(mesh.telemetry.ended).extracting(e -> e.call().security()).containsExactly(
          ConnectionSecurity.NONE, ConnectionSecurity.MUTUAL_TLS);
      assertThat(mesh.telemetry.ended).extracting(MeshFixture.RecordingTelemetry.Ended::status)
          .containsExactly(200, 200);
    });
  }

  @Test
  void authorizationDeniesWith403AndTheReasonAndAllowsWhatAllowPoliciesAllow() throws Exception {
    mesh.apply(POLICIES);
    Running server = started(mesh.context());
    String base = "https://127.0.0.1:" + server.port();

    try (Response denied = call(mesh.mesh, base + "/admin/users")) {
      assertThat(denied.code()).isEqualTo(403);
      assertThat(denied.body().string()).isEqualTo("RBAC: access denied");
      assertThat(denied.header(InboundHeaders.AUTHZ_POLICY)).isEqualTo("bookinfo/deny-admin");
      assertThat(denied.header(InboundHeaders.AUTHZ_REASON)).isEqualTo("denied by DENY policy bookinfo/deny-admin (rule 0)");
      assertThat(denied.header(InboundHeaders.RESPONSE_FLAGS)).isEqualTo("RBAC");
    }
    try (Response anonymous = call(mesh.plain, "http://127.0.0.1:" + server.port() + "/reviews/1")) {
      assertThat(anonymous.code()).isEqualTo(403);
      assertThat(anonymous.header(InboundHeaders.AUTHZ_REASON)).startsWith("no ALLOW policy matched");
    }
    assertThat(get(mesh.mesh, base + "/reviews/1")).contains("principal=" + MeshFixture.CLIENT_PRINCIPAL);

    assertThat(mesh.handled).hasValue(1);
    assertThat(server.chains().deniedRequests()).isEqualTo(2);
    // Telemetry ends after the response is written, so the three records may land in any order.
    MeshFixture.eventually(() -> assertThat(mesh.telemetry.ended)
        .extracting(MeshFixture.RecordingTelemetry.Ended::responseFlags).containsExactlyInAnyOrder("RBAC", "RBAC", ""));
  }

  private static final String REFUSED_YAML = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: ratings, namespace: default}
      spec:
        hosts: [ratings]
        http:
        - route:
          - destination: {host: ratings}
            weight: -5
      """;

  private static final String DENY_ADMIN = """
      apiVersion: security.istio.io/v1
      kind: AuthorizationPolicy
      metadata: {name: deny-admin, namespace: default}
      spec:
        action: DENY
        rules:
        - to: [{operation: {paths: ["/admin*"]}}]
      """;

  @Test
  void aRequestBeforeTheMeshIsReadyWaitsABoundedTimeThenIsRefusedWith503NamingWhatIsMissing() throws Exception {
    Path config = Files.createDirectory(dir.resolve("not-ready"));
    Files.writeString(config.resolve("mesh.yaml"), REFUSED_YAML);
    try (Mesh notReady = Mesh.builder(ServiceIdentity.of("reviews")).configDirectory(config)
        .startupWait(Duration.ofMillis(200)).build()) {
      Running server = started(notReady.inboundContext());

      try (Response response = call(mesh.plain, "http://127.0.0.1:" + server.port() + "/reviews/1")) {
        assertThat(response.code()).isEqualTo(503);
        assertThat(response.header(InboundHeaders.NOT_READY)).contains("config from " + config).contains("weight");
        assertThat(response.body().string()).startsWith("mesh not ready: waiting for config from " + config);
      }
      assertThat(mesh.handled).as("the handler never runs under an empty config").hasValue(0);
    }
  }

  @Test
  void aRequestWaitingForReadinessIsServedUnderTheConfigThatMadeTheMeshReady() throws Exception {
    Path config = Files.createDirectory(dir.resolve("becomes-ready"));
    Files.writeString(config.resolve("mesh.yaml"), REFUSED_YAML);
    try (Mesh notReady = Mesh.builder(ServiceIdentity.of("reviews")).configDirectory(config)
        .startupWait(Duration.ofSeconds(20)).build()) {
      Running server = started(notReady.inboundContext());
      CompletableFuture<Integer> pending = CompletableFuture.supplyAsync(() -> {
        try {
          return status(mesh.plain, "http://127.0.0.1:" + server.port() + "/admin/users");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      MeshFixture.eventually(() -> assertThat(server.chains().waitingForReadiness()).isEqualTo(1));

      Files.writeString(config.resolve("mesh.yaml"), DENY_ADMIN);
      notReady.reloadConfig();

      assertThat(pending.get(10, TimeUnit.SECONDS)).as("denied by the policy that came with readiness").isEqualTo(403);
      assertThat(mesh.handled).hasValue(0);
      assertThat(status(mesh.plain, "http://127.0.0.1:" + server.port() + "/reviews/1")).isEqualTo(200);
    }
  }

  @Test
  void aRequestWhoseDeadlineHasPassedIsRefusedNotServed() throws Exception {
    Running server = started(mesh.context());

    try (Response response = mesh.plain.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + server.port() + "/reviews/1")
        .header(InboundHeaders.DEADLINE_MS, "0").build()).execute()) {
      assertThat(response.code()).isEqualTo(504);
      assertThat(response.header(InboundHeaders.RESPONSE_FLAGS)).isEqualTo("UT");
      assertThat(response.body().string()).startsWith("deadline exceeded");
    }
    try (Response response = mesh.plain.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + server.port() + "/reviews/1")
        .header(InboundHeaders.DEADLINE_MS, "soon").build()).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).startsWith("x-meshlet-deadline-ms: 'soon' (expected:");
    }
    assertThat(mesh.handled).hasValue(0);
  }

  @Test
  void theRequestScopeCarriesTraceHeadersAndTheDeadlineToTheHandler() throws Exception {
    Running server = started(mesh.context());
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    try (Response response = mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1")
        .header("traceparent", traceparent)
        .header("x-request-id", "r-42")
        .header(InboundHeaders.DEADLINE_MS, "5000").build()).execute()) {
      String body = response.body().string();
      assertThat(body).contains("traceparent=" + traceparent + "\n", "request-id=r-42\n");
      long remaining = Long.parseLong(body.replaceAll("(?s).*deadline-ms=(-?\\d+)\n.*", "$1"));
      assertThat(remaining).isBetween(1L, 5000L);
    }
    assertThat(get(mesh.mesh, "https://127.0.0.1:" + server.port() + "/reviews/1"))
        .contains("traceparent=null\n", "deadline-ms=none\n");
  }

  @Test
  void aPeerAuthenticationChangeAppliesWithoutARestart() throws Exception {
    Running server = started(mesh.context());
    assertThat(status(mesh.plain, "http://127.0.0.1:" + server.port() + "/")).isEqualTo(200);

    mesh.apply(STRICT);

    if (closesRefusedConnections()) {
      assertThatThrownBy(() -> status(mesh.plain, "http://127.0.0.1:" + server.port() + "/"))
          .isInstanceOf(IOException.class);
    } else {
      assertThat(status(mesh.plain, "http://127.0.0.1:" + server.port() + "/")).isEqualTo(403);
    }
    assertThat(get(mesh.mesh, "https://127.0.0.1:" + server.port() + "/")).contains("security=mutual_tls");
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    Running server = start(mesh.context());
    get(mesh.plain, "http://127.0.0.1:" + server.port() + "/");
    get(mesh.mesh, "https://127.0.0.1:" + server.port() + "/");

    server.close();

    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive())
          .map(Thread::getName)
          // The test's own clients and the JDK's shared helpers are not the server's.
          .filter(name -> !name.startsWith("OkHttp") && !name.startsWith("process reaper")
              && !name.startsWith("ForkJoinPool") && !name.startsWith("Common-Cleaner"))
          .collect(Collectors.toList());
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(left).as("threads left after close").isEmpty();
  }

  protected static String get(OkHttpClient client, String url) throws IOException {
    try (Response response = call(client, url)) {
      String body = response.body().string();
      assertThat(response.code()).as(body).isEqualTo(200);
      return body;
    }
  }

  protected static int status(OkHttpClient client, String url) throws IOException {
    try (Response response = call(client, url)) {
      return response.code();
    }
  }

  protected static Response call(OkHttpClient client, String url) throws IOException {
    return client.newCall(new Request.Builder().url(url).build()).execute();
  }
}
