package dev.meshlet.agent.config;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.config.source.ConfigBatch;
import dev.meshlet.core.config.source.ConfigLayer;
import dev.meshlet.core.config.source.LayeredConfig;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Composes a mesh's config layers (CENTRAL from discovery, FILE from a directory, ANNOTATION from
 * the code) into the one snapshot routing reads, and its endpoints (given ones plus discovered
 * ones) into the one registry routing reads. Changes are serialized here; readers do one
 * volatile read each.
 */
public final class ConfigComposer {
  private final List<WorkloadInstance> givenInstances;
  private final Consumer<ConfigSnapshot> onSnapshot;
  private final Map<ConfigLayer, String> origins = new EnumMap<>(ConfigLayer.class); // guarded by this
  private final Map<String, String> rejected = new ConcurrentHashMap<>();
  private LayeredConfig layered = LayeredConfig.empty(); // guarded by this
  private long version; // guarded by this
  private List<WorkloadInstance> discovered = List.of(); // guarded by this
  private volatile ConfigSnapshot snapshot = ConfigSnapshot.empty();
  private volatile EndpointRegistry endpoints;

  /**
   * @param givenInstances endpoints known without discovery (from the builder)
   * @param onSnapshot told of each new snapshot after it is in force (metrics, logs); must not throw
   */
  public ConfigComposer(Collection<WorkloadInstance> givenInstances, Consumer<ConfigSnapshot> onSnapshot) {
    this.givenInstances = List.copyOf(givenInstances);
    this.onSnapshot = Objects.requireNonNull(onSnapshot, "onSnapshot");
    this.endpoints = EndpointRegistry.of(this.givenInstances);
  }

  /** The snapshot in force: what routing reads on each call. */
  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  /** The endpoints in force: what routing reads on each call. */
  public EndpointRegistry endpoints() {
    return endpoints;
  }

  /** Replaces what {@code layer} holds with {@code resources} (already validated) and puts the result in force. */
  public void apply(ConfigLayer layer, Collection<? extends Resource<?>> resources, String origin) {
    ConfigSnapshot next;
    synchronized (this) {
      LayeredConfig composed = layered.with(layer, resources, version + 1);
      version++;
      layered = composed;
      origins.put(layer, origin);
      next = composed.snapshot();
      snapshot = next;
    }
    onSnapshot.accept(next);
  }

  /** Replaces the discovered endpoints; the given ones stay. */
  public synchronized void discovered(List<WorkloadInstance> instances) {
    discovered = List.copyOf(instances);
    List<WorkloadInstance> all = new ArrayList<>(givenInstances);
    all.addAll(discovered);
    endpoints = EndpointRegistry.of(all);
  }

  /** Notes that {@code source} refused an update (null {@code why}: its last update was good). */
  public void rejected(String source, @org.jspecify.annotations.Nullable String why) {
    if (why == null) {
      rejected.remove(source);
    } else {
      rejected.put(source, why);
    }
  }

  /** The last refusal of {@code source}, or null. */
  public @org.jspecify.annotations.Nullable String rejection(String source) {
    return rejected.get(source);
  }

  /** What {@code layer} holds now, in force or not. */
  public synchronized List<Resource<?>> layer(ConfigLayer layer) {
    return layered.layer(layer);
  }

  /**
   * A sink that applies discovery updates to the CENTRAL layer and the discovered endpoints,
   * all or nothing; {@code answered} hears each answer (after an ACK, the update is in force).
   */
  public DiscoverySink discoverySink(Consumer<DiscoveryAck> answered) {
    Objects.requireNonNull(answered, "answered");
    return update -> {
      DiscoveryAck ack = applyDiscovery(update);
      try {
        answered.accept(ack);
      } catch (RuntimeException e) {
        // the answer stands; a listener's failure is not the update's
      }
      return ack;
    };
  }

  private DiscoveryAck applyDiscovery(DiscoveryUpdate update) {
    try {
      if (update.resources() != null) {
        List<ResourceReport> reports = new ArrayList<>();
        int i = 0;
        for (Resource<?> r : update.resources()) {
          reports.add(new ResourceReport("discovery version " + update.version(), i++, String.valueOf(r.kind()),
              r.namespace(), r.name(), r, List.of()));
        }
        ConfigBatch batch = ConfigBatch.of(reports);
        if (!batch.valid()) {
          String why = String.join("; ", batch.invalid().stream().flatMap(r -> r.lines().stream()).toList());
          rejected("discovery", why);
          return DiscoveryAck.nack(update.version(), why);
        }
      }
      synchronized (this) {
        if (update.resources() != null) {
          apply(ConfigLayer.CENTRAL, update.resources(), "discovery version " + update.version());
        }
        if (update.endpoints() != null) {
          discovered(update.endpoints());
        }
      }
      rejected("discovery", null);
      return DiscoveryAck.ack(update.version());
    } catch (RuntimeException e) {
      String why = "update " + update.version() + " could not be applied: " + e;
      rejected("discovery", why);
      return DiscoveryAck.nack(update.version(), why);
    }
  }

  /** The effective config with where each piece came from; {@code waitingFor} is what readiness lacks. */
  public EffectiveConfig effective(Supplier<List<String>> waitingFor) {
    LayeredConfig l;
    Map<ConfigLayer, String> o;
    synchronized (this) {
      l = layered;
      o = new EnumMap<>(origins);
    }
    List<EffectiveConfig.InForce> inForce = new ArrayList<>();
    for (LayeredConfig.Entry e : l.entries()) {
      inForce.add(new EffectiveConfig.InForce(e.resource().id(), e.layer(), origin(e.resource(), e.layer(), o), e.resource()));
    }
    List<EffectiveConfig.Overridden> overridden = new ArrayList<>();
    for (LayeredConfig.Overridden d : l.overridden()) {
      overridden.add(new EffectiveConfig.Overridden(d.resource().id(), d.layer(), origin(d.resource(), d.layer(), o),
          d.by(), d.reason()));
    }
    Map<String, List<String>> eps = new LinkedHashMap<>();
    EndpointRegistry registry = endpoints;
    for (String host : registry.hosts()) {
      eps.put(host, registry.endpoints(host).stream().map(Endpoint::hostPort).toList());
    }
    return new EffectiveConfig(l.snapshot().version(), inForce, overridden, eps, waitingFor.get(), rejected);
  }

  private static String origin(Resource<?> r, ConfigLayer layer, Map<ConfigLayer, String> origins) {
    String source = r.metadata().annotations().get(dev.meshlet.core.config.MeshletAnnotations.SOURCE);
    return source != null ? source : origins.getOrDefault(layer, layer.name().toLowerCase(java.util.Locale.ROOT));
  }
}
