package dev.meshlet.core.config.source;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The effective config of one service, composed from its layers: what each layer holds, and
 * the snapshot that results, with where each resource came from and what was overridden.
 *
 * <p>Precedence: CENTRAL and FILE resources stand side by side (a resource named in both is
 * taken from CENTRAL); an ANNOTATION VirtualService or DestinationRule is dropped when a
 * CENTRAL or FILE resource of the same kind covers the same host.
 */
public final class LayeredConfig {
  /** One resource of the effective config and the layer it came from. */
  public record Entry(Resource<?> resource, ConfigLayer layer) {}

  /** A resource that is not in force because another layer's resource covers the same thing. */
  public record Overridden(Resource<?> resource, ConfigLayer layer, ResourceId by, String reason) {}

  private final Map<ConfigLayer, List<Resource<?>>> layers;
  private final ConfigSnapshot snapshot;
  private final Map<ResourceId, Entry> entries;
  private final List<Overridden> overridden;

  private LayeredConfig(Map<ConfigLayer, List<Resource<?>>> layers, long version) {
    this.layers = layers;
    Map<ResourceId, Entry> effective = new LinkedHashMap<>();
    List<Overridden> dropped = new ArrayList<>();
    Map<String, ResourceId> routedHosts = new LinkedHashMap<>();
    Map<String, ResourceId> ruledHosts = new LinkedHashMap<>();
    for (ConfigLayer layer : List.of(ConfigLayer.CENTRAL, ConfigLayer.FILE)) {
      for (Resource<?> r : layers.getOrDefault(layer, List.of())) {
        Entry previous = effective.putIfAbsent(r.id(), new Entry(r, layer));
        if (previous != null) {
          dropped.add(new Overridden(r, layer, r.id(), "the same resource also comes from " + previous.layer()));
          continue;
        }
        hostsOf(r).forEach(h -> (r.kind() == Kind.VIRTUAL_SERVICE ? routedHosts : ruledHosts).putIfAbsent(h, r.id()));
      }
    }
    for (Resource<?> r : layers.getOrDefault(ConfigLayer.ANNOTATION, List.of())) {
      Map<String, ResourceId> claimed = r.kind() == Kind.VIRTUAL_SERVICE ? routedHosts : ruledHosts;
      ResourceId by = hostsOf(r).stream().map(claimed::get).filter(Objects::nonNull).findFirst().orElse(null);
      if (by != null) {
        dropped.add(new Overridden(r, ConfigLayer.ANNOTATION, by, by + " covers the same host and wins over annotations"));
      } else if (effective.containsKey(r.id())) {
        dropped.add(new Overridden(r, ConfigLayer.ANNOTATION, r.id(), "a resource of that name comes from " + effective.get(r.id()).layer()));
      } else {
        effective.put(r.id(), new Entry(r, ConfigLayer.ANNOTATION));
      }
    }
    this.entries = Map.copyOf(effective);
    this.overridden = List.copyOf(dropped);
    this.snapshot = ConfigSnapshot.of(version, effective.values().stream().<Resource<?>>map(Entry::resource).toList());
  }

  /** The empty composition: no layer holds anything. */
  public static LayeredConfig empty() {
    return new LayeredConfig(new EnumMap<>(ConfigLayer.class), 0);
  }

  /**
   * This composition with {@code layer} replaced by {@code resources}; the result's snapshot
   * has {@code version}.
   */
  public LayeredConfig with(ConfigLayer layer, Collection<? extends Resource<?>> resources, long version) {
    Map<ConfigLayer, List<Resource<?>>> next = new EnumMap<>(ConfigLayer.class);
    next.putAll(layers);
    next.put(layer, List.copyOf(resources));
    return new LayeredConfig(next, version);
  }

  /** The effective config as one snapshot. */
  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  /** The layer a resource of the effective config came from. */
  public ConfigLayer layerOf(ResourceId id) {
    Entry e = entries.get(id);
    if (e == null) {
      throw new IllegalArgumentException(id + " is not in the effective config");
    }
    return e.layer();
  }

  /** Every resource in force with its layer, ordered by kind, namespace and name. */
  public List<Entry> entries() {
    return snapshot.resources().stream().map(r -> entries.get(r.id())).toList();
  }

  /** The resources some layer holds that are not in force, and why. */
  public List<Overridden> overridden() {
    return overridden;
  }

  /** What {@code layer} holds, in force or not. */
  public List<Resource<?>> layer(ConfigLayer layer) {
    return layers.getOrDefault(layer, List.of());
  }

  private static Set<String> hostsOf(Resource<?> r) {
    Set<String> hosts = new HashSet<>();
    if (r.kind() == Kind.VIRTUAL_SERVICE) {
      r.as(VirtualService.class).spec().hosts().forEach(h -> hosts.add(Hosts.resolve(h, r.namespace())));
    } else if (r.kind() == Kind.DESTINATION_RULE) {
      String h = r.as(DestinationRule.class).spec().host();
      if (h != null) {
        hosts.add(Hosts.resolve(h, r.namespace()));
      }
    }
    return hosts;
  }
}
