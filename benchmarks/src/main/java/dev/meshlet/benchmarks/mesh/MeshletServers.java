package dev.meshlet.benchmarks.mesh;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.MeshBuilder;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.jetty.MeshJettyServer;
import dev.meshlet.benchmarks.server.BenchHandler;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The bench server application behind Meshlet's inbound adapter, in the server JVM: one {@code
 * Mesh} per mode for the service {@code reviews} (version v1), each serving {@link BenchHandler}
 * on a {@link MeshJettyServer} (Jetty, as the raw scenarios' server; the same thread limit of 64,
 * one selector on two cores, HTTP/1.1 as the client speaks). The mTLS one holds a workload
 * certificate from the shared CA and enforces STRICT; both run authorization and telemetry.
 */
public final class MeshletServers implements AutoCloseable {
  private final Mesh plainMesh;
  private final Mesh mtlsMesh;
  private final MeshJettyServer plain;
  private final MeshJettyServer mtls;

  private MeshletServers(Mesh plainMesh, Mesh mtlsMesh, MeshJettyServer plain, MeshJettyServer mtls) {
    this.plainMesh = plainMesh;
    this.mtlsMesh = mtlsMesh;
    this.plain = plain;
    this.mtls = mtls;
  }

  /** Starts both; the config directories must have been written ({@link MeshletConfig#write}). */
  public static MeshletServers start(Path meshDir) throws InterruptedException {
    ServiceIdentity reviews = ServiceIdentity.of(MeshletConfig.SERVER).withLabel("version", "v1");
    // Each its own telemetry, as two services would have (one registry would share gauges).
    Mesh plainMesh = mesh(reviews, meshDir, false, new BenchTelemetry());
    Mesh mtlsMesh = mesh(reviews, meshDir, true, new BenchTelemetry());
    MeshJettyServer plain = server(plainMesh);
    MeshJettyServer mtls = server(mtlsMesh);
    return new MeshletServers(plainMesh, mtlsMesh, plain, mtls);
  }

  private static Mesh mesh(ServiceIdentity identity, Path meshDir, boolean mtls, BenchTelemetry telemetry)
      throws InterruptedException {
    MeshBuilder b = Mesh.builder(identity)
        .configDirectory(MeshletConfig.configDirectory(meshDir, "server", mtls))
        .meterRegistry(telemetry.registry())
        .openTelemetry(telemetry.openTelemetry());
    if (mtls) {
      b.caDirectory(MeshletConfig.caDirectory(meshDir));
    }
    Mesh mesh = b.build();
    if (!mesh.awaitReady(Duration.ofSeconds(30))) {
      mesh.close();
      throw new IllegalStateException("server mesh (" + (mtls ? "mTLS" : "plain") + ") not ready: " + mesh.waitingFor());
    }
    return mesh;
  }

  private static MeshJettyServer server(Mesh mesh) {
    return MeshJettyServer.builder(mesh.inboundContext())
        .host("127.0.0.1")
        .port(0)
        .maxThreads(64)
        .http2(false)
        .handler(new BenchHandler())
        .start();
  }

  public int plainPort() {
    return plain.port();
  }

  public int mtlsPort() {
    return mtls.port();
  }

  /** Requests the inbound chains refused so far (both modes): nonzero means the config is wrong. */
  public long deniedRequests() {
    return plain.chains().deniedRequests() + mtls.chains().deniedRequests();
  }

  @Override
  public void close() {
    plain.close();
    mtls.close();
    plainMesh.close();
    mtlsMesh.close();
  }
}
