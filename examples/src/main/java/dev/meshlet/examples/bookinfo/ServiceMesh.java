package dev.meshlet.examples.bookinfo;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.MeshBuilder;
import dev.meshlet.agent.discovery.DiscoveryAgentSource;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.registry.WorkloadInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The mesh one Bookinfo workload runs in: Meshlet's {@link Mesh} built for it, with the discovery
 * agent and a workload certificate from the discovery server's CA when a discovery server is
 * given, and Meshlet's admin endpoint (Envoy's admin port: /stats/prometheus, /config_dump,
 * /clusters, /certs, /healthz/ready).
 */
public final class ServiceMesh implements AutoCloseable {

  private final WorkloadInstance self;
  private final Mesh mesh;

  /**
   * A mesh for {@code self}; with {@code discovery} it registers there with {@code token}, takes
   * its config from there and has its certificate signed by the server's CA (so calls to other
   * mesh workloads go out over mTLS and its port also accepts mTLS), else it runs alone in
   * plaintext (unknown hosts pass through). An {@code https} server is trusted by the mesh
   * root(s) in {@code trustBundle} (PEM; the server's {@code DATA/ca/root-cert.pem}). Its admin
   * endpoint listens on loopback at {@code adminPort} (0: any free port).
   */
  public ServiceMesh(WorkloadInstance self, int adminPort, @Nullable String discovery, @Nullable String token,
      @Nullable Path trustBundle) {
    this.self = Objects.requireNonNull(self, "self");
    ServiceIdentity identity = new ServiceIdentity(self.service(), self.namespace(), self.labels(),
        self.serviceAccount(), null, self.ports());
    MeshBuilder builder = Mesh.builder(identity).address(self.address()).admin(adminPort);
    if (discovery != null) {
      String bootstrap = Objects.requireNonNull(token, "token");
      String name = self.service() + "-" + self.labels().getOrDefault("version", "v1") + "-" + self.ports().get("http");
      if (discovery.startsWith("https:") && trustBundle == null) {
        throw new IllegalArgumentException("trust bundle: missing for " + discovery
            + " (expected: the mesh root, the discovery server's DATA/ca/root-cert.pem)");
      }
      // No signer given: the mesh's default is the server's CA, as Istio's agent does it (the
      // first CSR proven by the bootstrap token, renewals by the certificate over mTLS).
      builder.discovery(DiscoveryAgentSource.of(b -> {
        b.servers(discovery).token(bootstrap).name(name);
        if (trustBundle != null) {
          b.trustBundle(trustBundle);
        }
      }));
    }
    this.mesh = builder.build();
  }

  /** Waits until the mesh has what it needs to serve (its first config from discovery). */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return mesh.awaitReady(timeout);
  }

  /** This workload as the registry knows it. */
  public WorkloadInstance self() {
    return self;
  }

  /** The client to call other services with: routes, retries, faults and the rest apply. */
  public OkHttpClient httpClient() {
    return mesh.httpClient();
  }

  /** A mesh client whose calls time out after {@code callTimeout}, sharing the mesh's pool. */
  public OkHttpClient httpClient(Duration callTimeout) {
    return mesh.httpClient(b -> b.callTimeout(callTimeout));
  }

  /** What the server adapter needs: the snapshot in force, this workload's identity, telemetry. */
  public InboundContext inbound() {
    return mesh.inboundContext();
  }

  /** The config in force. */
  public ConfigSnapshot config() {
    return mesh.config();
  }

  /** The mesh itself, for what the examples do not wrap. */
  public Mesh mesh() {
    return mesh;
  }

  /** The admin endpoint's port. */
  public int adminPort() {
    return mesh.adminAddress().orElseThrow().getPort();
  }

  @Override
  public void close() {
    mesh.close();
  }
}
