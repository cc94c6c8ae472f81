package dev.meshlet.agent.server;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.client.ClientTls;
import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.tls.client.TlsUpstream;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.testing.Command;
import dev.meshlet.tls.testing.Configs;
import dev.meshlet.tls.workload.CertificateRequests;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * One mesh for a server adapter test: a CA, the server workload {@code bookinfo/reviews} with its
 * rotating certificate, a client workload {@code bookinfo/productpage} as OkHttp and as files for
 * curl, a snapshot the test swaps, and telemetry that records what it is told.
 */
public final class MeshFixture implements AutoCloseable {

  public static final WorkloadIdentity SERVER = WorkloadIdentity.of("bookinfo", "reviews");
  public static final WorkloadIdentity CLIENT = WorkloadIdentity.of("bookinfo", "productpage");
  public static final String CLIENT_PRINCIPAL = "cluster.local/ns/bookinfo/sa/productpage";

  static {
    // The JDK server's separate header and body writes meet delayed ACKs without it.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  public final Path dir;
  public final CertificateAuthority ca;
  public final WorkloadCertificateManager serverCerts;
  public final WorkloadCertificateManager clientCerts;
  public final AtomicReference<ConfigSnapshot> snapshot = new AtomicReference<>(ConfigSnapshot.empty());
  public final RecordingTelemetry telemetry = new RecordingTelemetry();
  /** How many times the application's handler ran. */
  public final AtomicInteger handled = new AtomicInteger();
  public final OkHttpClient plain;
  public final OkHttpClient mesh;

  public MeshFixture(Path dir) throws Exception {
    this.dir = dir;
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(SERVER.spiffeId(), new InProcessSigner(ca, SERVER.spiffeId())).start();
    clientCerts = WorkloadCertificateManager.builder(CLIENT.spiffeId(), new InProcessSigner(ca, CLIENT.spiffeId())).start();
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    SpiffeId client = CLIENT.spiffeId();
    Files.writeString(dir.resolve("client.pem"), ca.sign(CertificateRequests.create(keys, client), client).chainPem());
    Files.writeString(dir.resolve("client.key"), Pem.privateKey(keys.getPrivate()));
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(ca.rootCertificate()));
    ClientTls tls = ClientTlsFactory.of(clientCerts).resolve(new ClientTlsSettings(TlsMode.ISTIO_MUTUAL, null, null,
        null, null, List.of(), null, null, null), TlsUpstream.mesh("127.0.0.1", Set.of(SERVER.spiffeId())));
    plain = new OkHttpClient.Builder().retryOnConnectionFailure(false).callTimeout(Duration.ofSeconds(10)).build();
    mesh = plain.newBuilder().sslSocketFactory(tls.sslSocketFactory(), tls.trustManager())
        .hostnameVerifier(tls.hostnameVerifier()).build();
  }

  /** The context of the server workload (labels {@code app=reviews}), with mTLS on. */
  public InboundContext context() {
    return InboundContext.of(snapshot::get, SERVER, Map.of("app", "reviews"), serverCerts, telemetry, Clock.systemUTC());
  }

  /** The same workload with mTLS off: no certificate. */
  public InboundContext plaintextContext() {
    return InboundContext.of(snapshot::get, SERVER, Map.of("app", "reviews"), null, telemetry, Clock.systemUTC());
  }

  /** Puts {@code yaml} (Istio resources) in force. */
  public void apply(String yaml) {
    ConfigSnapshot previous = snapshot.get();
    snapshot.set(ConfigSnapshot.of(previous.version() + 1, Configs.resources(yaml)));
  }

  /**
   * What the test application answers: who called, over what, and what its request scope holds.
   * Every adapter's test handler answers this, so one contract checks them all.
   */
  public String describe(InboundCall call) {
    handled.incrementAndGet();
    RequestScope scope = RequestScope.current().orElseThrow(() -> new AssertionError("no RequestScope in the handler"));
    return "principal=" + call.source().principal() + "\n"
        + "security=" + call.security().label() + "\n"
        + "traceparent=" + scope.headers().get("traceparent") + "\n"
        + "request-id=" + scope.headers().get("x-request-id") + "\n"
        + "deadline-ms=" + scope.remaining(Clock.systemUTC()).map(Duration::toMillis).map(String::valueOf).orElse("none")
        + "\n";
  }

  /**
   * Retries {@code assertion} until it passes or 5 s have gone by: telemetry ends a request after
   * its response is sent, so the client can see the answer before the record exists.
   */
  public static void eventually(Runnable assertion) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Runs curl with the exit code and "%{http_code} %{http_version}" appended to the output. */
  public Command.Result curl(String... args) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "%{http_code} %{http_version}"));
    command.addAll(List.of(args));
    return Command.run(dir, command);
  }

  /** curl arguments for mutual TLS as the client workload, pinning the server's key. */
  public List<String> mtlsCurlArgs() throws Exception {
    return List.of("--cert", "client.pem", "--key", "client.key", "--insecure", "--pinnedpubkey", serverPin());
  }

  private String serverPin() throws Exception {
    byte[] spki = serverCerts.current().certificate().getPublicKey().getEncoded();
    return "sha256//" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
  }

  @Override
  public void close() {
    plain.dispatcher().executorService().shutdownNow();
    plain.connectionPool().evictAll();
    mesh.connectionPool().evictAll();
    serverCerts.close();
    clientCerts.close();
  }

  /** Telemetry that keeps every finished request. */
  public static final class RecordingTelemetry implements InboundTelemetry {
    /** One finished request. */
    public record Ended(InboundCallInfo call, int status, String responseFlags, @Nullable Throwable error) {}

    public final List<Ended> ended = new CopyOnWriteArrayList<>();

    @Override
    public Observation start(InboundCallInfo call) {
      return (status, flags, error) -> ended.add(new Ended(call, status, flags, error));
    }
  }
}
