package dev.meshlet.routing.policy;

import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.Subset;
import dev.meshlet.core.config.networking.TrafficPolicy;
import dev.meshlet.core.config.networking.TrafficPolicy.PortTrafficPolicy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The effective policies of one host's DestinationRule, compiled once per snapshot for every
 * subset and every port its port-level settings name; a lookup is a map read and a binary
 * search, with no merging or allocation. Immutable and thread-safe.
 */
public final class DestinationPolicies {

  /** For a host no DestinationRule covers: the default policy, no subsets. */
  public static final DestinationPolicies NONE = new DestinationPolicies(null);

  private final @Nullable String host;
  private final PortTable noSubset;
  private final Map<String, PortTable> subsets;

  private DestinationPolicies(@Nullable DestinationRule rule) {
    this.host = rule == null ? null : rule.host();
    TrafficPolicy top = rule == null ? null : rule.trafficPolicy();
    this.noSubset = table(top, null, Map.of(), "");
    Map<String, PortTable> bySubset = new HashMap<>();
    if (rule != null) {
      for (int i = 0; i < rule.subsets().size(); i++) {
        Subset s = rule.subsets().get(i);
        if (s.name() == null || s.name().isEmpty()) {
          throw error("spec.subsets[" + i + "].name: " + s.name() + " (expected: a name)");
        }
        if (bySubset.containsKey(s.name())) {
          throw error("spec.subsets[" + i + "].name: " + s.name() + " (expected: unique among subsets)");
        }
        bySubset.put(s.name(), table(top, s.trafficPolicy(), s.labels(), "subset " + s.name() + ", "));
      }
    }
    this.subsets = Map.copyOf(bySubset);
  }

  /**
   * Compiles {@code rule}'s policies; null gives {@link #NONE}.
   *
   * @throws IllegalArgumentException naming the rule, subset and port, when a policy cannot be
   *     applied (a subset without a name or twice, a limit out of range)
   */
  public static DestinationPolicies of(@Nullable DestinationRule rule) {
    return rule == null ? NONE : new DestinationPolicies(rule);
  }

  /**
   * The effective policy toward {@code subset} on {@code port}.
   *
   * @param subset the subset a route names, or null for the whole host
   * @param port the destination port; 0 when unknown
   * @return the policy, or null when the rule defines no such subset (Envoy has no cluster for
   *     it; the caller fails the call)
   */
  public @Nullable EffectivePolicy policy(@Nullable String subset, int port) {
    PortTable table = subset == null || subset.isEmpty() ? noSubset : subsets.get(subset);
    return table == null ? null : table.get(port);
  }

  /** The subset names the rule defines. */
  public Set<String> subsetNames() {
    return subsets.keySet();
  }

  private PortTable table(
      @Nullable TrafficPolicy top, @Nullable TrafficPolicy subset, Map<String, String> labels, String where) {
    TreeSet<Integer> ports = new TreeSet<>();
    addPorts(top, ports);
    addPorts(subset, ports);
    int[] portArray = ports.stream().mapToInt(Integer::intValue).toArray();
    EffectivePolicy[] byPort = new EffectivePolicy[portArray.length];
    for (int i = 0; i < portArray.length; i++) {
      byPort[i] = resolve(top, subset, labels, portArray[i], where + "port " + portArray[i]);
    }
    EffectivePolicy any = resolve(top, subset, labels, 0, where + "any port");
    return new PortTable(portArray, byPort, any);
  }

  private EffectivePolicy resolve(
      @Nullable TrafficPolicy top, @Nullable TrafficPolicy subset, Map<String, String> labels, int port, String where) {
    try {
      return EffectivePolicy.of(labels, TrafficPolicyMerger.merge(top, subset, port));
    } catch (IllegalArgumentException e) {
      throw error(where + ": " + e.getMessage());
    }
  }

  private static void addPorts(@Nullable TrafficPolicy policy, Set<Integer> ports) {
    if (policy == null) {
      return;
    }
    for (PortTrafficPolicy p : policy.portLevelSettings()) {
      if (p.port() != null && p.port().number() != null && p.port().number() > 0) {
        ports.add(p.port().number());
      }
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("DestinationRule " + host + ": " + message);
  }

  @Override
  public String toString() {
    return "DestinationPolicies{" + host + ", subsets=" + subsets.keySet() + "}";
  }

  private record PortTable(int[] ports, EffectivePolicy[] byPort, EffectivePolicy any) {
    EffectivePolicy get(int port) {
      int i = Arrays.binarySearch(ports, port);
      return i >= 0 ? byPort[i] : any;
    }
  }
}
