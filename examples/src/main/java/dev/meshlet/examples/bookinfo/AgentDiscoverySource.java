package dev.meshlet.examples.bookinfo;

import dev.meshlet.agent.config.DiscoveryAck;
import dev.meshlet.agent.config.DiscoverySink;
import dev.meshlet.agent.config.DiscoverySource;
import dev.meshlet.agent.config.DiscoveryUpdate;
import dev.meshlet.agent.discovery.ApplyOutcome;
import dev.meshlet.agent.discovery.DiscoveryAgent;
import dev.meshlet.agent.discovery.DiscoveryConfig;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Plugs the agent's {@link DiscoveryAgent} into the {@code Mesh} facade's {@link DiscoverySource}
 * point: each view the agent accepts goes to the mesh whole, and the mesh's answer becomes the
 * agent's ACK or NACK.
 *
 * <p>The examples' bridge until the facade builds its own agent (docs/runtime.md lists it as not
 * done); it holds no logic beyond translating one record into the other.
 */
final class AgentDiscoverySource implements DiscoverySource {

  private final String server;
  private final String token;
  private @Nullable DiscoveryAgent agent;

  AgentDiscoverySource(String server, String token) {
    this.server = Objects.requireNonNull(server, "server");
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  public void start(WorkloadInstance self, DiscoverySink sink) {
    DiscoveryConfig config = DiscoveryConfig.builder()
        .servers(server)
        .token(token)
        .identity(self.service(), self.namespace(), self.serviceAccount())
        .address(self.address())
        .ports(self.ports())
        .labels(self.labels())
        .name(self.service() + "-" + self.labels().getOrDefault("version", "v1") + "-" + self.ports().get("http"))
        .build();
    agent = DiscoveryAgent.builder(config, view -> {
      DiscoveryAck ack = sink.apply(new DiscoveryUpdate(Long.toString(view.version()), view.resources(), view.workloads()));
      return ack.accepted() ? ApplyOutcome.applied() : ApplyOutcome.refused(Objects.requireNonNull(ack.error()));
    }).start();
  }

  @Override
  public void close() {
    DiscoveryAgent running = agent;
    if (running != null) {
      running.close();
    }
  }

}
