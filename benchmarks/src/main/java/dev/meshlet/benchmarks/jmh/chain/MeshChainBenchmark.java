package dev.meshlet.benchmarks.jmh.chain;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.InboundCall;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundRequest;
import dev.meshlet.agent.server.Refusal;
import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.benchmarks.mesh.BenchTelemetry;
import dev.meshlet.benchmarks.mesh.MeshletConfig;
import dev.meshlet.benchmarks.server.BenchServer;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.tls.authz.RequestHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole in-process chain, no network: one GET through OkHttp and Meshlet's client filters
 * (readiness, context, route match through two routes to the third, LEAST_REQUEST pick, pool
 * limit and outlier bookkeeping, retry and timeout policy, Istio metrics, a span when sampled,
 * trace headers), its HTTP/1.1 bytes handed in memory to Meshlet's server inbound chain
 * (PeerAuthentication mode, an ALLOW AuthorizationPolicy, server metrics and span, the request
 * scope), a pre-built answer, and back through the client. The config is the load benchmark's
 * ({@link MeshletConfig}, plaintext), loaded by two real {@link Mesh}es.
 *
 * <p>{@code rawOkHttp} is the same exchange without Meshlet on either side (the same in-memory
 * socket and request parsing): Meshlet's cost is the difference, in time and in {@code
 * gc.alloc.rate.norm}; {@code meshClientOnly} runs Meshlet's client chain against the raw call's
 * server, isolating the caller's share. {@code sampling} is the fraction of traces sampled: 0.01 (Istio's default,
 * as in the load benchmark) and 1 (every call records a client and a server span).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MeshChainBenchmark {
  private static final byte[] RESPONSE = InMemoryServer.okResponse("application/json", BenchServer.BODY);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Param({"0.01", "1.0"})
  public double sampling;

  private Path dir;
  private Mesh serverMesh;
  private Mesh clientMesh;
  private OkHttpClient meshClient;
  private OkHttpClient meshClientOnly;
  private OkHttpClient rawClient;
  private Request meshRequest;
  private Request rawRequest;
  private BenchTelemetry clientTelemetry;
  private BenchTelemetry serverTelemetry;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("meshlet-chain");
    MeshletConfig.write(dir);
    serverTelemetry = new BenchTelemetry(sampling);
    serverMesh = Mesh.builder(ServiceIdentity.of(MeshletConfig.SERVER).withLabel("version", "v1"))
        .configDirectory(MeshletConfig.configDirectory(dir, "server", false))
        .meterRegistry(serverTelemetry.registry())
        .openTelemetry(serverTelemetry.openTelemetry())
        .build();
    InboundChains chains = InboundChains.of(serverMesh.inboundContext());
    InMemoryServer meshServer = (head, length) -> serveThroughChain(chains, head, length);
    clientTelemetry = new BenchTelemetry(sampling);
    clientMesh = Mesh.builder(ServiceIdentity.of(MeshletConfig.CLIENT).withLabel("version", "v1"))
        .configDirectory(MeshletConfig.configDirectory(dir, "client", false))
        .endpoints(new WorkloadInstance(MeshletConfig.SERVER, "default", "127.0.0.1", Map.of("http", 9080),
            Map.of("app", MeshletConfig.SERVER, "version", "v1"), MeshletConfig.SERVER, null))
        .meterRegistry(clientTelemetry.registry())
        .openTelemetry(clientTelemetry.openTelemetry())
        .build();
    if (!serverMesh.awaitReady(Duration.ofSeconds(30)) || !clientMesh.awaitReady(Duration.ofSeconds(30))) {
      throw new IllegalStateException("meshes not ready: " + serverMesh.waitingFor() + " " + clientMesh.waitingFor());
    }
    meshClient = clientMesh.wrap(base(meshServer));
    meshRequest = new Request.Builder().url(MeshletConfig.URL).build();
    InMemoryServer plain = (head, length) -> {
      InMemoryServer.Head.parse(head, length);
      return RESPONSE;
    };
    rawClient = base(plain);
    meshClientOnly = clientMesh.wrap(base(plain));
    rawRequest = new Request.Builder().url("http://127.0.0.1:9080/reviews/0").build();

    // Both paths must answer, and the mesh's must have run both chains' telemetry.
    meshCall();
    meshClientOnly();
    rawCall();
    double client = requests(clientTelemetry, "source");
    double server = requests(serverTelemetry, "destination");
    if (client < 1 || server < 1 || chains.deniedRequests() != 0) {
      throw new IllegalStateException("the mesh call did not run both chains: client requests " + client
          + ", server requests " + server + ", denied " + chains.deniedRequests());
    }
  }

  /** What each side's telemetry recorded so far (tests): requests, and spans once flushed. */
  double[] recorded() {
    clientTelemetry.flush();
    serverTelemetry.flush();
    return new double[] {requests(clientTelemetry, "source"), requests(serverTelemetry, "destination"),
        clientTelemetry.exportedSpans(), serverTelemetry.exportedSpans()};
  }

  /** Istio's request count as one side recorded it. */
  static double requests(BenchTelemetry telemetry, String reporter) {
    var counter = telemetry.registry().find("istio_requests_total").tag("reporter", reporter).counter();
    return counter == null ? 0 : counter.count();
  }

  private static OkHttpClient base(InMemoryServer server) {
    return new OkHttpClient.Builder()
        .socketFactory(InMemorySocket.factory(server))
        .connectionPool(new ConnectionPool(1, 5, TimeUnit.MINUTES))
        .protocols(List.of(Protocol.HTTP_1_1))
        .retryOnConnectionFailure(false)
        .build();
  }

  /** What MeshHandler does around the application, on the in-memory request. */
  private static byte[] serveThroughChain(InboundChains chains, byte[] head, int length) {
    InMemoryServer.Head request = InMemoryServer.Head.parse(head, length);
    String host = request.header("host");
    InboundRequest inbound = new InboundRequest(request.method(), request.target(), host == null ? "" : host,
        headers(request), false, null, LOOPBACK, LOOPBACK, 9080, null);
    InboundCall call = chains.current().begin(inbound);
    Refusal refusal = call.refusal();
    if (refusal != null) {
      call.end(refusal.status(), null);
      throw new IllegalStateException("refused: " + refusal.body());
    }
    try (RequestScope scope = call.scope().attach()) {
      call.end(200, null);
      return RESPONSE;
    }
  }

  /** The parsed header lines as a server adapter hands them to the chain: by name, and listable as Jetty's are. */
  private static RequestHeaders headers(InMemoryServer.Head request) {
    return new RequestHeaders() {
      @Override
      public String get(String lowerCaseName) {
        return request.header(lowerCaseName);
      }

      @Override
      public boolean forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < request.count(); i++) {
          action.accept(request.names()[i], request.values()[i]);
        }
        return true;
      }
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    clientMesh.close();
    serverMesh.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One call through both Meshlet chains. */
  @Benchmark
  public int meshCall() {
    return call(meshClient, meshRequest);
  }

  /**
   * The client's share alone: Meshlet's client chain, and the server answering as the raw call's
   * does (no server chain). Minus {@code rawCall}, what Meshlet costs the caller.
   */
  @Benchmark
  public int meshClientOnly() {
    return call(meshClientOnly, meshRequest);
  }

  /** The same exchange with plain OkHttp and no server chain: the floor to subtract. */
  @Benchmark
  public int rawCall() {
    return call(rawClient, rawRequest);
  }

  private static int call(OkHttpClient client, Request request) {
    try (Response response = client.newCall(request).execute()) {
      byte[] body = response.body().bytes();
      if (response.code() != 200 || body.length != BenchServer.BODY.length) {
        throw new IllegalStateException("answer " + response.code() + ": " + new String(body, StandardCharsets.UTF_8));
      }
      return body.length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
