package dev.meshlet.benchmarks.jmh;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.MeshBuilder;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.InboundCall;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundRequest;
import dev.meshlet.benchmarks.mesh.BenchTelemetry;
import dev.meshlet.benchmarks.mesh.MeshletConfig;
import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.verify.VerifiedPeer;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
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
 * The server side alone: what {@code MeshHandler} does per request around the application, on a
 * request as Meshlet's client sends it (W3C and B3 trace headers, request id, peer metadata,
 * deadline) through the load benchmark's server config ({@link MeshletConfig}: an ALLOW policy,
 * plus STRICT mTLS and a principal rule with {@code mtls}). With mTLS the caller's
 * {@link VerifiedPeer} is the same object for each request, as the TLS session keeps it.
 * {@code sampled} is the caller's sampled flag, which the server's parent-based sampler follows:
 * false is what 99 requests in 100 are at Istio's default 1% sampling.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InboundChainBenchmark {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final SpiffeId CLIENT = WorkloadIdentity.of("default", MeshletConfig.CLIENT).spiffeId();

  /** Header lines as a client sends them, in order; listable as Jetty's are. */
  private static final String[] NAMES = {"Host", "User-Agent", "Accept-Encoding", "Connection", "traceparent",
      "X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled", "x-request-id", "x-meshlet-peer-metadata",
      "x-meshlet-deadline-ms"};
  private static final String[] UNSAMPLED = {"reviews", "okhttp/5.1.0", "gzip", "Keep-Alive",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "4bf92f3577b34da6a3ce929d0e0e4736",
      "00f067aa0ba902b7", "0", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
      "workload=bench-client;namespace=default;app=bench-client;version=v1;service=bench-client;revision=v1",
      "9000"};

  @Param({"false", "true"})
  public boolean sampled;

  @Param({"false", "true"})
  public boolean mtls;

  private Path dir;
  private Mesh mesh;
  private InboundChains chains;
  private InboundRequest request;
  private String[] values;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("meshlet-inbound");
    MeshletConfig.write(dir);
    values = UNSAMPLED.clone();
    if (sampled) {
      values[4] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      values[7] = "1";
    }
    BenchTelemetry telemetry = new BenchTelemetry(1.0);
    MeshBuilder b = Mesh.builder(ServiceIdentity.of(MeshletConfig.SERVER).withLabel("version", "v1"))
        .configDirectory(MeshletConfig.configDirectory(dir, "server", mtls))
        .meterRegistry(telemetry.registry())
        .openTelemetry(telemetry.openTelemetry());
    if (mtls) {
      b.caDirectory(MeshletConfig.caDirectory(dir));
    }
    mesh = b.build();
    if (!mesh.awaitReady(Duration.ofSeconds(30))) {
      throw new IllegalStateException("mesh not ready: " + mesh.waitingFor());
    }
    chains = InboundChains.of(mesh.inboundContext());
    VerifiedPeer peer = null;
    if (mtls) {
      CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), new SecureRandom());
      try (WorkloadCertificateManager client = WorkloadCertificateManager.builder(CLIENT, new InProcessSigner(ca, CLIENT)).start()) {
        peer = new VerifiedPeer(CLIENT, client.current().certificate());
      }
    }
    request = new InboundRequest("GET", "/reviews/0", "reviews", new Lines(), mtls, peer, LOOPBACK, LOOPBACK, 9080,
        null);
    if (serve() != 200 || chains.deniedRequests() != 0) {
      throw new IllegalStateException("the chain refused the request: denied " + chains.deniedRequests());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    mesh.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One request: the chain, the scope attached around a handler that answers 200, telemetry ended. */
  @Benchmark
  public int serve() {
    InboundCall call = chains.current().begin(request);
    if (call.refusal() != null) {
      call.end(call.refusal().status(), null);
      return call.refusal().status();
    }
    try (RequestScope scope = call.scope().attach()) {
      call.end(200, null);
      return 200;
    }
  }

  /** The header lines, looked up ignoring case and listable, as a server's header type is. */
  private final class Lines implements RequestHeaders {
    @Override
    public @Nullable String get(String lowerCaseName) {
      String value = null;
      for (int i = 0; i < NAMES.length; i++) {
        if (NAMES[i].equalsIgnoreCase(lowerCaseName)) {
          value = value == null ? values[i] : value + "," + values[i];
        }
      }
      return value;
    }

    @Override
    public boolean forEach(BiConsumer<String, String> action) {
      for (int i = 0; i < NAMES.length; i++) {
        action.accept(NAMES[i], values[i]);
      }
      return true;
    }
  }
}
