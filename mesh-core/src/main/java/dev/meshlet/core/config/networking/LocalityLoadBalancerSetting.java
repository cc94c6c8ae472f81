package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Locality-aware load balancing: weighted distribution between localities, or failover order
 * between regions or by labels. Localities are written {@code region/zone/subzone}.
 */
public record LocalityLoadBalancerSetting(
    List<Distribute> distribute,
    List<Failover> failover,
    List<String> failoverPriority,
    @Nullable Boolean enabled) {

  public LocalityLoadBalancerSetting {
    distribute = Copies.list(distribute);
    failover = Copies.list(failover);
    failoverPriority = Copies.list(failoverPriority);
  }

  /** Traffic from locality {@code from} is shared among the localities of {@code to} by weight. */
  public record Distribute(@Nullable String from, Map<String, Integer> to) {
    public Distribute {
      to = Copies.map(to);
    }
  }

  /** Traffic from region {@code from} fails over to region {@code to}. */
  public record Failover(@Nullable String from, @Nullable String to) {}
}
