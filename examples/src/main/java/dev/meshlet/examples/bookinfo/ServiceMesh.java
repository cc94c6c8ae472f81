package dev.meshlet.examples.bookinfo;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.MeshBuilder;
import dev.meshlet.agent.discovery.DiscoveryAgentSource;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.registry.WorkloadInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The mesh one Bookinfo workload runs in: Meshlet's {@link Mesh} built for it, with the discovery
 * agent when a discovery server is given, and a Prometheus registry for its admin endpoint.
 */
public final class ServiceMesh implements AutoCloseable {

  private final WorkloadInstance self;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Mesh mesh;

  /**
   * A mesh for {@code self}; with {@code discovery} it registers there with {@code token} and
   * takes its config from there, else it runs alone (unknown hosts pass through).
   */
  public ServiceMesh(WorkloadInstance self, @Nullable String discovery, @Nullable String token) {
    this.self = Objects.requireNonNull(self, "self");
    ServiceIdentity identity = new ServiceIdentity(self.service(), self.namespace(), self.labels(),
        self.serviceAccount(), null, self.ports());
    MeshBuilder builder = Mesh.builder(identity).address(self.address()).meterRegistry(meters);
    if (discovery != null) {
      String bootstrap = Objects.requireNonNull(token, "token");
      String name = self.service() + "-" + self.labels().getOrDefault("version", "v1") + "-" + self.ports().get("http");
      builder.discovery(DiscoveryAgentSource.of(b -> b.servers(discovery).token(bootstrap).name(name)));
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

  /** Prometheus text of this workload's meters (Istio's standard metrics among them). */
  public String scrape() {
    return meters.scrape();
  }

  @Override
  public void close() {
    mesh.close();
    meters.close();
  }
}
