package dev.meshlet.agent.discovery;

import dev.meshlet.agent.config.DiscoveryAck;
import dev.meshlet.agent.config.DiscoverySink;
import dev.meshlet.agent.config.DiscoverySource;
import dev.meshlet.agent.config.DiscoveryUpdate;
import dev.meshlet.core.registry.WorkloadInstance;
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
    agent = DiscoveryAgent.builder(config(self), view -> {
      DiscoveryAck ack = sink.apply(new DiscoveryUpdate(Long.toString(view.version()), view.resources(), view.workloads()));
      return ack.accepted() ? ApplyOutcome.applied() : ApplyOutcome.refused(Objects.requireNonNull(ack.error()));
    }).start();
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
