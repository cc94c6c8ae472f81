package dev.meshlet.discovery.store;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the store holds at one version, immutable. Tombstones remember what was removed
 * after {@code compactedVersion}, so an agent that resumes from a version newer than that gets
 * only what changed; an older one gets the full view.
 *
 * @param version the version of the last committed change, 0 when empty
 * @param compactedVersion removals at or below it are forgotten
 */
public record StoreState(
    long version,
    long compactedVersion,
    SortedMap<ResourceId, StoredResource> config,
    Map<ResourceId, Long> configTombstones,
    Map<String, Registered> registrations,
    Map<String, Long> endpointTombstones,
    Map<String, TokenGrant> tokens) {

  /** Tombstones kept before the oldest are forgotten (an agent further behind gets a full view). */
  static final int MAX_TOMBSTONES = 10_000;

  public static final StoreState EMPTY =
      new StoreState(0, 0, new TreeMap<>(), Map.of(), Map.of(), Map.of(), Map.of());

  public StoreState {
    config = Collections.unmodifiableSortedMap(new TreeMap<>(config));
    configTombstones = Map.copyOf(configTombstones);
    registrations = Map.copyOf(registrations);
    endpointTombstones = Map.copyOf(endpointTombstones);
    tokens = Map.copyOf(tokens);
  }

  /** The config resources, in id order. */
  public List<Resource<?>> resources() {
    List<Resource<?>> out = new ArrayList<>(config.size());
    config.values().forEach(s -> out.add(s.resource()));
    return out;
  }

  /** The state after {@code change}, committed as {@code newVersion}. */
  public StoreState apply(Change change, long newVersion) {
    return apply(List.of(change), newVersion);
  }

  /**
   * The state after {@code changes}, all committed as {@code newVersion} (an etcd transaction, or
   * a lapsed lease, is several key events at one revision).
   */
  public StoreState apply(List<? extends Change> changes, long newVersion) {
    if (newVersion <= version) {
      throw new IllegalArgumentException("version " + newVersion + " (expected: greater than " + version + ")");
    }
    StoreState s = this;
    for (Change c : changes) {
      s = s.applyOne(c, newVersion);
    }
    return s.version == newVersion ? s : new StoreState(newVersion, s.compactedVersion, s.config, s.configTombstones,
        s.registrations, s.endpointTombstones, s.tokens);
  }

  private StoreState applyOne(Change change, long newVersion) {
    SortedMap<ResourceId, StoredResource> cfg = config;
    Map<ResourceId, Long> cfgGone = configTombstones;
    Map<String, Registered> regs = registrations;
    Map<String, Long> regsGone = endpointTombstones;
    Map<String, TokenGrant> toks = tokens;
    if (change instanceof Change.ConfigChange c) {
      cfg = new TreeMap<>(config);
      cfgGone = new HashMap<>(configTombstones);
      for (ResourceId id : c.delete()) {
        if (cfg.remove(id) != null) {
          cfgGone.put(id, newVersion);
        }
      }
      for (Resource<?> r : c.put()) {
        cfg.put(r.id(), new StoredResource(r, newVersion));
        cfgGone.remove(r.id());
      }
    } else if (change instanceof Change.Register r) {
      regs = new HashMap<>(registrations);
      regs.put(r.leaseId(), new Registered(r.leaseId(), r.name(), r.workload(), r.ttlSeconds(), newVersion));
      regsGone = new HashMap<>(endpointTombstones);
      regsGone.remove(r.leaseId());
    } else if (change instanceof Change.Deregister d) {
      if (registrations.containsKey(d.leaseId())) {
        regs = new HashMap<>(registrations);
        regs.remove(d.leaseId());
        regsGone = new HashMap<>(endpointTombstones);
        regsGone.put(d.leaseId(), newVersion);
      }
    } else if (change instanceof Change.GrantToken g) {
      toks = new HashMap<>(tokens);
      toks.put(g.grant().sha256(), g.grant());
    }
    long compacted = compactedVersion;
    if (cfgGone.size() + regsGone.size() > MAX_TOMBSTONES) {
      // Forget the older half; whoever resumes from before that gets a full view.
      List<Long> all = new ArrayList<>(cfgGone.values());
      all.addAll(regsGone.values());
      Collections.sort(all);
      long cut = all.get(all.size() / 2);
      compacted = Math.max(compacted, cut);
      cfgGone = new HashMap<>(cfgGone);
      cfgGone.values().removeIf(v -> v <= cut);
      regsGone = new HashMap<>(regsGone);
      regsGone.values().removeIf(v -> v <= cut);
    }
    return new StoreState(newVersion, compacted, cfg, cfgGone, regs, regsGone, toks);
  }

  @Override
  public String toString() {
    return "StoreState{version=" + version + ", resources=" + config.size() + ", registrations="
        + registrations.size() + ", tokens=" + tokens.size() + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreState s && s.version == version && s.compactedVersion == compactedVersion
        && s.config.equals(config) && s.configTombstones.equals(configTombstones)
        && s.registrations.equals(registrations) && s.endpointTombstones.equals(endpointTombstones)
        && s.tokens.equals(tokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, config.keySet(), registrations.keySet());
  }
}
