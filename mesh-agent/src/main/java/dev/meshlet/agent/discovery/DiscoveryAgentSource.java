package dev.meshlet.agent.discovery;

import dev.meshlet.agent.config.DiscoveryAck;
import dev.meshlet.agent.config.DiscoverySink;
import dev.meshlet.agent.config.DiscoverySource;
import dev.meshlet.agent.config.DiscoveryUpdate;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Connects the {@code Mesh} facade to the discovery server through a {@link DiscoveryAgent}:
 * the agent registers the mesh's own workload, each view it accepts goes to the mesh whole, and
 * the mesh's answer becomes the agent's ACK or NACK.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder(ServiceIdentity.of("reviews").withLabel("version", "v2").withPort("http", 9080))
 *     .discovery(DiscoveryAgentSource.of(b -> b.servers("https://127.0.0.1:15010").token(token)
 *         .trustBundle(Path.of("mesh-data/ca/root-cert.pem"))))
 *     .build();
 * }</pre>
 */
public final class DiscoveryAgentSource implements DiscoverySource {
  private final Consumer<DiscoveryConfig.Builder> settings;
  private volatile @Nullable DiscoveryAgent agent;
  private volatile @Nullable WorkloadCertificateManager certificates;

  private DiscoveryAgentSource(Consumer<DiscoveryConfig.Builder> settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * A source whose agent takes the workload's identity, address, ports and labels from the mesh,
   * and everything else (servers, token, trust, timings) from {@code settings}.
   */
  public static DiscoveryAgentSource of(Consumer<DiscoveryConfig.Builder> settings) {
    return new DiscoveryAgentSource(settings);
  }

  /** The agent's config for {@code self}: the workload's identity, address, ports and labels, then the settings. */
  public DiscoveryConfig config(WorkloadInstance self) {
    DiscoveryConfig.Builder builder = DiscoveryConfig.builder()
        .identity(self.service(), self.namespace(), self.serviceAccount())
        .address(self.address())
        .ports(self.ports())
        .labels(self.labels());
    settings.accept(builder);
    return builder.build();
  }

  @Override
  public void start(WorkloadInstance self, DiscoverySink sink) {
    DiscoveryConfig config = config(self);
    DiscoveryAgent.Builder agentBuilder = DiscoveryAgent.builder(config, view -> {
      DiscoveryAck ack = sink.apply(new DiscoveryUpdate(Long.toString(view.version()), view.resources(), view.workloads()));
      return ack.accepted() ? ApplyOutcome.applied() : ApplyOutcome.refused(Objects.requireNonNull(ack.error()));
    });
    WorkloadCertificateManager certs = certificates;
    if (certs != null && issuedUnder(certs, config)) {
      // The workload holds a certificate from the servers' CA: it, not the token, proves who registers.
      agentBuilder.certificates(certs);
    }
    agent = agentBuilder.start();
  }

  /** Whether the certificate chains to the roots the servers are trusted by (not a local development CA). */
  private static boolean issuedUnder(WorkloadCertificateManager certs, DiscoveryConfig config) {
    var chain = certs.current().chain();
    var top = chain.get(chain.size() - 1);
    return config.trustedRoots().stream().anyMatch(root -> root.equals(top)
        || root.getSubjectX500Principal().equals(top.getIssuerX500Principal()));
  }

  /** The mesh's certificate: the agent talks mTLS with it and gives it each new trust bundle. */
  @Override
  public void useCertificates(WorkloadCertificateManager certificates) {
    this.certificates = Objects.requireNonNull(certificates, "certificates");
  }

  /** The running agent, or null before {@link #start}. */
  public @Nullable DiscoveryAgent agent() {
    return agent;
  }

  /** The running agent's status (connection, versions, lease), or null before {@link #start}. */
  public @Nullable DiscoveryStatus status() {
    DiscoveryAgent running = agent;
    return running == null ? null : running.status();
  }

  @Override
  public void close() {
    DiscoveryAgent running = agent;
    if (running != null) {
      running.close();
    }
  }
}
