package dev.meshlet.benchmarks.scenario;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.MeshBuilder;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.benchmarks.mesh.BenchTelemetry;
import dev.meshlet.benchmarks.mesh.MeshletConfig;
import dev.meshlet.core.registry.WorkloadInstance;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Scenarios 3 and 4, through Meshlet on both sides, plaintext and ISTIO_MUTUAL. The client is a
 * {@link Mesh} for {@code bench-client} that loads the realistic config of {@link MeshletConfig}
 * from its directory, knows the one {@code reviews} endpoint (version v1), records Istio's metrics
 * and 1%-sampled spans, and wraps the harness's OkHttpClient ({@link Mesh#wrap}: the same
 * dispatcher, pool and connection bound as every other scenario). The application calls {@code
 * http://reviews/reviews/0} in plaintext; with mTLS, Meshlet upgrades the connection with the
 * workload certificate its CA signed. The server is the same application behind Meshlet's Jetty
 * adapter ({@link dev.meshlet.benchmarks.mesh.MeshletServers}).
 */
public final class MeshletScenario implements Scenario {
  private final String name;
  private final boolean mtls;
  private @Nullable Mesh mesh;

  private MeshletScenario(String name, boolean mtls) {
    this.name = name;
    this.mtls = mtls;
  }

  /** Scenario 3: Meshlet with plaintext between the services. */
  public static MeshletScenario plain() {
    return new MeshletScenario("meshlet_plain", false);
  }

  /** Scenario 4: Meshlet with ISTIO_MUTUAL mTLS between the services. */
  public static MeshletScenario mtls() {
    return new MeshletScenario("meshlet_mtls", true);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Deployment deploy(BenchEnvironment env) {
    if (port(env) == 0) {
      throw new IllegalStateException(name + " runs against Meshlet's Jetty adapter only (--server jetty, the"
          + " default): with another server it would not compare with the baselines");
    }
    return Deployment.direct(MeshletConfig.URL);
  }

  @Override
  public OkHttpClient client(OkHttpClient base, BenchEnvironment env) throws Exception {
    BenchTelemetry telemetry = new BenchTelemetry();
    WorkloadInstance reviews = new WorkloadInstance(MeshletConfig.SERVER, "default", "127.0.0.1",
        Map.of("http", port(env)), Map.of("app", MeshletConfig.SERVER, "version", "v1"), MeshletConfig.SERVER, null);
    MeshBuilder b = Mesh.builder(ServiceIdentity.of(MeshletConfig.CLIENT).withLabel("version", "v1"))
        .configDirectory(MeshletConfig.configDirectory(env.meshDir(), "client", mtls))
        .endpoints(reviews)
        .meterRegistry(telemetry.registry())
        .openTelemetry(telemetry.openTelemetry());
    if (mtls) {
      b.caDirectory(MeshletConfig.caDirectory(env.meshDir()));
    }
    Mesh mesh = b.build();
    this.mesh = mesh;
    if (!mesh.awaitReady(Duration.ofSeconds(30))) {
      throw new IllegalStateException(name + ": client mesh not ready: " + mesh.waitingFor());
    }
    return mesh.wrap(base);
  }

  /** Closes the client's mesh, if {@link #client} made one. */
  @Override
  public void close() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private int port(BenchEnvironment env) {
    return mtls ? env.meshletMtlsPort() : env.meshletPlainPort();
  }
}
