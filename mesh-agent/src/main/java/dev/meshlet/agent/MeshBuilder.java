package dev.meshlet.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.agent.admin.AdminOptions;
import dev.meshlet.agent.config.DiscoverySource;
import dev.meshlet.agent.discovery.DiscoveryAgentSource;
import dev.meshlet.core.annotation.InvalidAnnotationException;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.core.telemetry.TelemetryConfig;
import dev.meshlet.routing.MeshRouting;
import dev.meshlet.tls.client.TlsUpstream;
import dev.meshlet.tls.workload.CertificateSigner;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Mesh}: every setting but the identity has a default. {@link #build()}
 * starts it; a failure there (a bad annotation, a missing directory, a CA that cannot be read)
 * releases whatever was started and throws.
 */
public final class MeshBuilder {
  final ServiceIdentity identity;
  final List<Class<?>> annotated = new ArrayList<>();
  final List<WorkloadInstance> endpoints = new ArrayList<>();
  @Nullable Path configDirectory;
  @Nullable DiscoverySource discovery;
  @Nullable Boolean mtls; // null: on with a discovery agent, else off
  @Nullable Path caDirectory;
  @Nullable CertificateSigner signer;
  @Nullable MeterRegistry meterRegistry;
  @Nullable AdminOptions admin;
  @Nullable OpenTelemetry openTelemetry;
  TelemetryConfig telemetryConfig = TelemetryConfig.ofDefaults();
  @Nullable ObjectMapper mapper;
  Consumer<OkHttpClient.Builder> baseClient = c -> {};
  Consumer<MeshRouting.Builder> routing = r -> {};
  Duration startupWait = Mesh.DEFAULT_STARTUP_WAIT;
  Clock clock = Clock.systemUTC();
  String address = "127.0.0.1";
  @Nullable String locality;

  MeshBuilder(ServiceIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /**
   * Declares the {@code @MeshClient}s of {@code types}: annotated interfaces, and annotated
   * fields of classes. Their policies are compiled at {@link #build()}, so a bad value fails start.
   */
  public MeshBuilder clients(Class<?>... types) {
    annotated.addAll(List.of(types));
    return this;
  }

  /** A directory of Istio YAML, watched and hot-reloaded; the mesh is ready once it loaded cleanly. */
  public MeshBuilder configDirectory(Path directory) {
    this.configDirectory = Objects.requireNonNull(directory, "directory");
    return this;
  }

  /**
   * The discovery server's client; the mesh is ready once it accepted a first update. A {@code
   * DiscoveryAgentSource} also gets the workload certificate from the server's CA, unless a
   * {@link #certificateSigner} or {@link #caDirectory} is given or {@code mtls(false)}.
   */
  public MeshBuilder discovery(DiscoverySource discovery) {
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    return this;
  }

  /** Endpoints known without discovery: handy for tests and demos. */
  public MeshBuilder endpoints(WorkloadInstance... instances) {
    endpoints.addAll(List.of(instances));
    return this;
  }

  /**
   * One endpoint of {@code service} (in this service's namespace) at {@code address:port} on port
   * {@code http}. It declares no identity, so it is taken to be outside the mesh (Istio's
   * {@code security.istio.io/tlsMode: disabled}): auto mTLS calls it in plaintext. Declare a mesh
   * workload, called over mesh mTLS, with {@link #endpoints} and its service account.
   */
  public MeshBuilder endpoint(String service, String address, int port) {
    return endpoints(new WorkloadInstance(service, identity.namespace(), address, Map.of("http", port),
        Map.of(TlsUpstream.TLS_MODE_LABEL, "disabled"), null, null));
  }

  /**
   * Turns on a workload certificate; the mesh is ready once it holds one. Without a {@link
   * #certificateSigner}, the discovery server's CA signs it when {@link #discovery} is a {@code
   * DiscoveryAgentSource} (on by default then, as Istio's agent gets every workload its
   * certificate), else a local CA: persisted in {@link #caDirectory} when set, else in memory
   * (development only: peers of other processes will not trust it). {@code mtls(false)} turns it
   * off even with discovery.
   */
  public MeshBuilder mtls(boolean mtls) {
    this.mtls = mtls;
    return this;
  }

  /** Where the local CA is kept (Istio's cacerts layout), made on first start; implies {@link #mtls}. */
  public MeshBuilder caDirectory(Path caDirectory) {
    this.caDirectory = Objects.requireNonNull(caDirectory, "caDirectory");
    this.mtls = true;
    return this;
  }

  /** Who signs the workload certificate (the discovery server's CA); implies {@link #mtls}. */
  public MeshBuilder certificateSigner(CertificateSigner signer) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.mtls = true;
    return this;
  }

  /**
   * Where metrics go; by default a private Prometheus registry the mesh closes (readable through
   * {@link Mesh#telemetry} and {@link Mesh#prometheusRegistry}). A registry that is not Prometheus
   * keeps every meter; with {@link #admin} on, the mesh also records to a private Prometheus
   * registry for {@code /stats/prometheus}.
   */
  public MeshBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  boolean mtlsOn() {
    return mtls != null ? mtls : discovery instanceof DiscoveryAgentSource;
  }

  /** Serves the admin endpoint (Envoy's admin port: scrape, config dump, clusters, certs, readiness, log levels). */
  public MeshBuilder admin(AdminOptions options) {
    this.admin = Objects.requireNonNull(options, "options");
    return this;
  }

  /** Serves the admin endpoint on loopback at {@code port}; 0 takes a free port ({@link Mesh#adminAddress}). */
  public MeshBuilder admin(int port) {
    return admin(AdminOptions.loopback(port));
  }

  /** Where spans go; by default {@link OpenTelemetry#noop()} (no spans, inbound trace headers still passed on). */
  public MeshBuilder openTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  public MeshBuilder telemetry(TelemetryConfig config) {
    this.telemetryConfig = Objects.requireNonNull(config, "config");
    return this;
  }

  /** The mapper declarative clients use; by default one that ignores unknown properties. */
  public MeshBuilder objectMapper(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    return this;
  }

  /** Adjusts the base OkHttp client (timeouts, interceptors); the mesh sets its dispatcher and pool. */
  public MeshBuilder baseClient(Consumer<OkHttpClient.Builder> configure) {
    this.baseClient = Objects.requireNonNull(configure, "configure");
    return this;
  }

  /** Adjusts routing (retry budget, idempotent methods, mirror capacity, random source). */
  public MeshBuilder routing(Consumer<MeshRouting.Builder> configure) {
    this.routing = Objects.requireNonNull(configure, "configure");
    return this;
  }

  /** How long a call made before the mesh is ready waits for it (default 10 s); zero fails at once. */
  public MeshBuilder startupWait(Duration wait) {
    if (wait.isNegative()) {
      throw new IllegalArgumentException("startupWait: " + wait + " (expected: >= 0)");
    }
    this.startupWait = wait;
    return this;
  }

  public MeshBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The address this workload registers (default 127.0.0.1). */
  public MeshBuilder address(String address) {
    this.address = Objects.requireNonNull(address, "address");
    return this;
  }

  /** This workload's {@code region/zone/subzone}, for locality-aware load balancing. */
  public MeshBuilder locality(@Nullable String locality) {
    this.locality = locality;
    return this;
  }

  /**
   * Starts the mesh. It is ready at once when every source answered synchronously (annotations,
   * a valid directory, a local CA); with discovery, or a directory that is refused, see {@link
   * Mesh#awaitReady}.
   *
   * @throws InvalidAnnotationException when an annotation holds a bad value
   * @throws IllegalArgumentException when the config directory does not exist
   * @throws UncheckedIOException when the CA cannot be read or the certificate not obtained
   */
  public Mesh build() {
    Mesh mesh = new Mesh(this);
    try {
      mesh.start(this);
      return mesh;
    } catch (IOException e) {
      mesh.close();
      throw new UncheckedIOException("mesh " + identity.name() + " cannot start: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      mesh.close();
      throw new IllegalStateException("mesh " + identity.name() + " cannot get its certificate: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      mesh.close();
      throw e;
    }
  }
}
