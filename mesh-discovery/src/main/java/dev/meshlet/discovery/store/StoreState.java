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
import org.pcollections.HashPMap;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.TreePMap;

/**
 * Everything the store holds at one version, immutable. The maps are persistent (pcollections):
 * a change shares all but the path to what it touched with the state before it, so applying one
 * costs O(log n) rather than a copy of every registration, and readers (the push path) may keep any
 * version as long as they like. Tombstones remember what was removed
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

  /** Takes persistent maps as they are (shared, never copied) and copies any other map once. */
  public StoreState {
    config = config instanceof TreePMap<ResourceId, StoredResource> t ? t : TreePMap.from(config);
    configTombstones = persistent(configTombstones);
    registrations = persistent(registrations);
    endpointTombstones = persistent(endpointTombstones);
    tokens = persistent(tokens);
  }

  private static <K, V> HashPMap<K, V> persistent(Map<K, V> m) {
    return m instanceof HashPMap<K, V> p ? p : HashTreePMap.from(m);
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
    TreePMap<ResourceId, StoredResource> cfg = (TreePMap<ResourceId, StoredResource>) config;
    PMap<ResourceId, Long> cfgGone = (HashPMap<ResourceId, Long>) configTombstones;
    PMap<String, Registered> regs = (HashPMap<String, Registered>) registrations;
    PMap<String, Long> regsGone = (HashPMap<String, Long>) endpointTombstones;
    PMap<String, TokenGrant> toks = (HashPMap<String, TokenGrant>) tokens;
    if (change instanceof Change.ConfigChange c) {
      for (ResourceId id : c.delete()) {
        if (cfg.containsKey(id)) {
          cfg = cfg.minus(id);
          cfgGone = cfgGone.plus(id, newVersion);
        }
      }
      for (Resource<?> r : c.put()) {
        cfg = cfg.plus(r.id(), new StoredResource(r, newVersion));
        cfgGone = cfgGone.minus(r.id());
      }
    } else if (change instanceof Change.Register r) {
      regs = regs.plus(r.leaseId(), new Registered(r.leaseId(), r.name(), r.workload(), r.ttlSeconds(), newVersion));
      regsGone = regsGone.minus(r.leaseId());
    } else if (change instanceof Change.Deregister d) {
      if (regs.containsKey(d.leaseId())) {
        regs = regs.minus(d.leaseId());
        regsGone = regsGone.plus(d.leaseId(), newVersion);
      }
    } else if (change instanceof Change.GrantToken g) {
      toks = toks.plus(g.grant().sha256(), g.grant());
    }
    long compacted = compactedVersion;
    if (cfgGone.size() + regsGone.size() > MAX_TOMBSTONES) {
      // Forget the older half (a whole pass, but once per MAX_TOMBSTONES / 2 removals); whoever
      // resumes from before that gets a full view.
      List<Long> all = new ArrayList<>(cfgGone.values());
      all.addAll(regsGone.values());
      Collections.sort(all);
      long cut = all.get(all.size() / 2);
      compacted = Math.max(compacted, cut);
      cfgGone = HashTreePMap.from(withoutUpTo(cfgGone, cut));
      regsGone = HashTreePMap.from(withoutUpTo(regsGone, cut));
    }
    return new StoreState(newVersion, compacted, cfg, cfgGone, regs, regsGone, toks);
  }

  private static <K> Map<K, Long> withoutUpTo(Map<K, Long> m, long cut) {
    Map<K, Long> out = new HashMap<>(m);
    out.values().removeIf(v -> v <= cut);
    return out;
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
