package dev.meshlet.discovery.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ResourceRef;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.discovery.store.Registered;
import dev.meshlet.discovery.store.StoreState;
import dev.meshlet.discovery.store.StoredResource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The views the push hub sends, built once per scope and version and shared by every agent of
 * that scope: the view itself, each resource's JSON tree (made once per resource version), the
 * FULL event's bytes, and the bytes of each distinct delta. Owned by the hub's thread.
 */
final class ScopeViews {
  private final Map<ResourceId, Tree> trees = new HashMap<>();
  private final Map<String, SharedView> views = new HashMap<>();
  private long viewsVersion = -1;
  private @Nullable ConfigSnapshot snapshot;

  /** One resource's JSON tree at one version. */
  record Tree(long modVersion, ObjectNode json) {}

  private ConfigSnapshot snapshot(StoreState s) {
    if (snapshot == null || snapshot.version() != s.version()) {
      snapshot = ConfigSnapshot.of(s.version(), s.resources());
    }
    return snapshot;
  }

  /**
   * What agents of one scope see at one version, built once and shared: the view, its JSON trees,
   * and its FULL event's bytes once one agent needed them. Agents that were sent exactly this
   * view point at these same (never modified) maps, which is how a push tells cheaply which
   * agents are already up to date and which ones share a delta.
   */
  static final class SharedView {
    final AgentView view;
    final Map<ResourceId, Tree> resources;
    final Map<String, Registered> endpoints;
    byte @Nullable [] fullLine;

    SharedView(AgentView view, Map<ResourceId, Tree> resources) {
      this.view = view;
      this.resources = resources;
      this.endpoints = Map.copyOf(view.endpoints());
    }
  }

  /** A delta's identity: from the view an agent was sent (its shared maps, by identity) to a new one. */
  record DeltaKey(Object resources, Object endpoints, SharedView to) {
    @Override
    public boolean equals(Object o) {
      return o instanceof DeltaKey k && k.resources == resources && k.endpoints == endpoints && k.to == to;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * System.identityHashCode(resources) + System.identityHashCode(endpoints)) + System.identityHashCode(to);
    }
  }

  static final byte[] NO_CHANGE = new byte[0];

  /** The shared view of {@code reg}'s scope at {@code s}'s version. */
  SharedView sharedView(StoreState s, Registered reg) {
    if (viewsVersion != s.version()) {
      views.clear();
      viewsVersion = s.version();
    }
    String key = reg.workload().namespace() + "|" + new TreeMap<>(reg.workload().labels());
    SharedView v = views.get(key);
    if (v == null) {
      AgentView view = AgentScope.of(snapshot(s), reg.workload().namespace(), reg.workload().labels()).view(s);
      Map<ResourceId, Tree> resources = new HashMap<>();
      view.resources().forEach((id, r) -> resources.put(id, tree(r)));
      v = new SharedView(view, Collections.unmodifiableMap(resources));
      views.put(key, v);
    }
    return v;
  }

  /** The DELTA event from what an agent was sent to {@code to}, as bytes, or {@link #NO_CHANGE}. */
  byte[] delta(Map<ResourceId, Tree> sentResources, Map<String, Registered> sentEndpoints, SharedView to,
      long version) {
    AgentView view = to.view;
    List<StoredResource> changed = new ArrayList<>();
    view.resources().forEach((id, r) -> {
      Tree had = sentResources.get(id);
      if (had == null || had.modVersion() != r.modVersion()) {
        changed.add(r);
      }
    });
    List<ResourceRef> removed = new ArrayList<>();
    sentResources.keySet().forEach(id -> {
      if (!view.resources().containsKey(id)) {
        removed.add(ResourceRef.of(id));
      }
    });
    List<Registered> eps = new ArrayList<>();
    view.endpoints().forEach((id, r) -> {
      Registered had = sentEndpoints.get(id);
      if (had == null || had.modVersion() != r.modVersion()) {
        eps.add(r);
      }
    });
    List<String> gone = new ArrayList<>();
    sentEndpoints.keySet().forEach(id -> {
      if (!view.endpoints().containsKey(id)) {
        gone.add(id);
      }
    });
    if (changed.isEmpty() && removed.isEmpty() && eps.isEmpty() && gone.isEmpty()) {
      return NO_CHANGE;
    }
    return line(new WatchEvent(WatchEvent.Type.DELTA, version, trees(changed), removed, endpoints(eps), gone));
  }

  static byte[] line(WatchEvent event) {
    return (ProtocolJson.write(event) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  List<ObjectNode> trees(java.util.Collection<StoredResource> resources) {
    List<ObjectNode> out = new ArrayList<>(resources.size());
    for (StoredResource r : resources) {
      out.add(tree(r).json());
    }
    return out;
  }

  /** The JSON tree of {@code r}, made once per version of the resource and shared by every agent. */
  private Tree tree(StoredResource r) {
    Tree t = trees.get(r.resource().id());
    if (t == null || t.modVersion() != r.modVersion()) {
      t = new Tree(r.modVersion(), ConfigReader.toTree(r.resource()));
      trees.put(r.resource().id(), t);
    }
    return t;
  }

  static List<Endpoint> endpoints(java.util.Collection<Registered> regs) {
    List<Endpoint> out = new ArrayList<>(regs.size());
    for (Registered r : regs) {
      out.add(new Endpoint(r.leaseId(), r.workload()));
    }
    return out;
  }

  /** Forgets the trees of resources that are gone. */
  void retain(StoreState s) {
    trees.keySet().retainAll(s.config().keySet());
  }
}
