package dev.meshlet.discovery.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.core.protocol.Ack;
import dev.meshlet.core.protocol.ConfigDump;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ProxyStatus;
import dev.meshlet.core.protocol.ResourceRef;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.discovery.DiscoveryException;
import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.Registered;
import dev.meshlet.discovery.store.StoreState;
import dev.meshlet.discovery.store.StoredResource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every agent's watch stream fed. One thread owns all agent state: it computes each
 * agent's view after a change, sends the difference from what that agent was last sent, records
 * ACKs and NACKs, and sends heartbeats. Writes to the streams never block it (the sinks queue).
 * Changes that arrive while a push runs are coalesced into the next one.
 */
public final class PushHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushHub.class);
  /** How long changes are gathered before one push: istiod's PILOT_DEBOUNCE_AFTER. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

  private final DiscoveryStore store;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final Map<String, Agent> agents = new HashMap<>();
  private final Map<ResourceId, Tree> trees = new HashMap<>();
  private long pushedVersion = -1;
  private final Map<String, SharedView> views = new HashMap<>();
  private long viewsVersion = -1;
  private final long debounceMillis;
  private final AtomicBoolean pushScheduled = new AtomicBoolean();
  private @Nullable ConfigSnapshot snapshot;

  /** What the hub knows of one agent (owned by the hub's thread). */
  private static final class Agent {
    final String leaseId;
    @Nullable EventSink sink;
    @Nullable Instant connectedSince;
    long sent;
    long acked;
    long nackVersion = -1;
    @Nullable String lastNack;
    /** What the agent was sent, as sent (the trees are shared between agents): its config dump. */
    Map<ResourceId, Tree> sentResources = Map.of();
    Map<String, Registered> sentEndpoints = Map.of();

    Agent(String leaseId) {
      this.leaseId = leaseId;
    }
  }

  private record Tree(long modVersion, ObjectNode json) {}

  public PushHub(DiscoveryStore store, Clock clock, Duration heartbeat) {
    this(store, clock, heartbeat, DEFAULT_DEBOUNCE);
  }

  /**
   * A hub that pushes a change at most {@code debounce} after it was committed, merging every
   * change of that window into one push (as istiod's debounce does): a thousand agents
   * registering at once cost a few pushes, not a thousand.
   */
  public PushHub(DiscoveryStore store, Clock clock, Duration heartbeat, Duration debounce) {
    if (debounce.isNegative()) {
      throw new IllegalArgumentException("push debounce: " + debounce + " (expected: 0 or more)");
    }
    this.debounceMillis = debounce.toMillis();
    this.store = store;
    this.clock = clock;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshlet-push");
      t.setDaemon(true);
      return t;
    });
    long hb = heartbeat.toMillis();
    executor.scheduleWithFixedDelay(this::heartbeat, hb, hb, TimeUnit.MILLISECONDS);
  }

  /** The store changed: push what changed to every agent that watches (coalesced, asynchronous). */
  public void changed() {
    if (!pushScheduled.compareAndSet(false, true)) {
      return; // a push is due within the window and will see this change
    }
    try {
      executor.schedule(() -> {
        pushScheduled.set(false);
        push();
      }, debounceMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed: the server is stopping and its streams are gone; the change itself is stored.
      log.debug("change after the hub closed: not pushed");
    }
  }

  /**
   * Opens a watch for a registered agent and sends its first event: the full view, or only what
   * changed since {@code since} when the server can tell. An older stream of the same lease is
   * closed.
   */
  public void open(Registered agent, @Nullable Long since, EventSink sink) {
    execute(sink, () -> {
      try {
        first(agent, since, sink);
      } catch (RuntimeException e) {
        log.warn("watch of {} failed to start", agent.leaseId(), e);
        sink.close("internal error: " + e);
      }
    });
  }

  /** The stream of {@code sink} ended (the client went away or a write failed). */
  public void closed(String leaseId, EventSink sink) {
    execute(null, () -> {
      Agent a = agents.get(leaseId);
      if (a != null && a.sink == sink) {
        a.sink = null;
      }
    });
  }

  private void execute(@Nullable EventSink sink, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (sink != null) {
        sink.close("the server is stopping");
      }
    }
  }

  /**
   * Records an agent's ACK or NACK.
   *
   * @throws DiscoveryException 404 for an unknown lease, 400 for a version never sent to it
   */
  public void ack(Ack ack) {
    call(() -> {
      if (!store.state().registrations().containsKey(ack.leaseId())) {
        throw DiscoveryException.notFound("no registration with lease " + ack.leaseId());
      }
      Agent a = agents.computeIfAbsent(ack.leaseId(), Agent::new);
      if (ack.version() > a.sent) {
        throw DiscoveryException.badRequest("version " + ack.version() + " was never sent to lease " + ack.leaseId()
            + " (last sent: " + a.sent + ")");
      }
      if (ack.isNack()) {
        a.lastNack = ack.error();
        a.nackVersion = ack.version();
        log.info("lease {} NACKed version {}: {}", ack.leaseId(), ack.version(), ack.error());
      } else if (ack.version() >= a.acked) {
        a.acked = ack.version();
        if (a.nackVersion <= ack.version()) {
          a.lastNack = null;
          a.nackVersion = -1;
        }
      }
      return null;
    });
  }

  /** Every registered agent and where it stands, by namespace and name. */
  public List<ProxyStatus> status() {
    return call(() -> {
      StoreState s = store.state();
      List<ProxyStatus> out = new ArrayList<>();
      for (Registered r : s.registrations().values()) {
        out.add(status(r, agents.get(r.leaseId())));
      }
      out.sort(Comparator.comparing(ProxyStatus::namespace).thenComparing(ProxyStatus::name));
      return out;
    });
  }

  private static ProxyStatus status(Registered r, @Nullable Agent a) {
    long sent = a == null ? 0 : a.sent;
    long acked = a == null ? 0 : a.acked;
    boolean connected = a != null && a.sink != null;
    SyncStatus status;
    if (a != null && a.lastNack != null && a.nackVersion == a.sent) {
      status = SyncStatus.NACKED;
    } else if (connected && acked == sent) {
      status = SyncStatus.SYNCED;
    } else {
      status = SyncStatus.STALE;
    }
    return new ProxyStatus(r.name(), r.workload().namespace(), r.workload().service(), r.leaseId(), sent, acked,
        status, connected, a == null || a.connectedSince == null ? null : a.connectedSince.toString(),
        a == null ? null : a.lastNack);
  }

  /**
   * The config dump of the agent registered as {@code name} (or with lease {@code name}) in
   * {@code namespace}: its status and the view last sent to it.
   *
   * @throws DiscoveryException 404 when no such agent is registered
   */
  public ConfigDump configDump(String namespace, String name) {
    return call(() -> {
      Registered reg = null;
      for (Registered r : store.state().registrations().values()) {
        if (r.workload().namespace().equals(namespace) && (r.name().equals(name) || r.leaseId().equals(name))) {
          reg = r;
          break;
        }
      }
      if (reg == null) {
        throw DiscoveryException.notFound("no agent " + name + " in namespace " + namespace
            + " (meshctl proxy-status lists the registered agents)");
      }
      Agent a = agents.get(reg.leaseId());
      List<ObjectNode> resources = new ArrayList<>();
      List<Endpoint> eps = new ArrayList<>();
      if (a != null) {
        a.sentResources.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .forEach(e -> resources.add(e.getValue().json()));
        a.sentEndpoints.values().stream()
            .sorted(Comparator.comparing((Registered r) -> r.workload().service()).thenComparing(Registered::leaseId))
            .forEach(r -> eps.add(new Endpoint(r.leaseId(), r.workload())));
      }
      return new ConfigDump(status(reg, a), a == null || a.nackVersion < 0 ? null : a.nackVersion, resources, eps);
    });
  }

  /** Waits until every change committed so far has been pushed (tests and orderly shutdown use it). */
  public void flush() {
    call(() -> {
      push();
      return null;
    });
  }

  private <T> T call(java.util.concurrent.Callable<T> task) {
    Future<T> f;
    try {
      f = executor.submit(task);
    } catch (RejectedExecutionException e) {
      throw new DiscoveryException(503, "the server is stopping (try another server or again later)");
    }
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("push thread did not answer in 30 s", e);
    }
  }

  private ConfigSnapshot snapshot(StoreState s) {
    if (snapshot == null || snapshot.version() != s.version()) {
      snapshot = ConfigSnapshot.of(s.version(), s.resources());
    }
    return snapshot;
  }

  private void first(Registered reg, @Nullable Long since, EventSink sink) {
    StoreState s = store.state();
    if (!s.registrations().containsKey(reg.leaseId())) {
      sink.close("lease " + reg.leaseId() + " is no longer registered");
      return;
    }
    Agent a = agents.computeIfAbsent(reg.leaseId(), Agent::new);
    if (a.sink != null && a.sink != sink) {
      a.sink.close("replaced by a newer watch of the same lease");
    }
    a.sink = sink;
    a.connectedSince = clock.instant();
    SharedView shared = sharedView(s, reg);
    AgentView view = shared.view;
    byte[] line;
    if (since == null || since < s.compactedVersion() || since > s.version()
        || scopeChangedSince(s, since, reg.workload().namespace())) {
      if (shared.fullLine == null) {
        shared.fullLine = line(new WatchEvent(WatchEvent.Type.FULL, s.version(), trees(view.resources().values()), List.of(),
            endpoints(view.endpoints().values()), List.of()));
      }
      line = shared.fullLine;
    } else {
      long v = since;
      List<StoredResource> changed = view.resources().values().stream().filter(r -> r.modVersion() > v).toList();
      List<ResourceRef> removed = s.configTombstones().entrySet().stream()
          .filter(e -> e.getValue() > v).map(e -> ResourceRef.of(e.getKey())).toList();
      List<Registered> eps = view.endpoints().values().stream().filter(r -> r.modVersion() > v).toList();
      List<String> gone = s.endpointTombstones().entrySet().stream()
          .filter(e -> e.getValue() > v).map(Map.Entry::getKey).toList();
      line = line(new WatchEvent(WatchEvent.Type.DELTA, s.version(), trees(changed), removed, endpoints(eps), gone));
    }
    a.sentResources = shared.resources;
    a.sentEndpoints = shared.endpoints;
    send(a, s.version(), line);
  }

  /** Whether something that shapes an agent's scope changed after {@code since}. */
  private static boolean scopeChangedSince(StoreState s, long since, String namespace) {
    for (StoredResource r : s.config().values()) {
      if (r.modVersion() > since && AgentScope.shapesScope(r.resource().kind(), r.resource().namespace(), namespace)) {
        return true;
      }
    }
    for (Map.Entry<ResourceId, Long> e : s.configTombstones().entrySet()) {
      if (e.getValue() > since && AgentScope.shapesScope(e.getKey().kind(), e.getKey().namespace(), namespace)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What agents of one scope see at one version, built once and shared: the view, its JSON trees,
   * and its FULL event's bytes once one agent needed them. Agents that were sent exactly this
   * view point at these same (never modified) maps, which is how a push tells cheaply which
   * agents are already up to date and which ones share a delta.
   */
  private static final class SharedView {
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
  private record DeltaKey(Object resources, Object endpoints, SharedView to) {
    @Override
    public boolean equals(Object o) {
      return o instanceof DeltaKey k && k.resources == resources && k.endpoints == endpoints && k.to == to;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * System.identityHashCode(resources) + System.identityHashCode(endpoints)) + System.identityHashCode(to);
    }
  }

  private static final byte[] NO_CHANGE = new byte[0];

  private SharedView sharedView(StoreState s, Registered reg) {
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

  private void push() {
    StoreState s = store.state();
    if (s.version() == pushedVersion) {
      return;
    }
    pushedVersion = s.version();
    trees.keySet().retainAll(s.config().keySet());
    // Agents that were sent the same view get the same delta: computed and serialized once.
    Map<DeltaKey, byte[]> deltas = new HashMap<>();
    for (Agent a : new ArrayList<>(agents.values())) {
      Registered reg = s.registrations().get(a.leaseId);
      if (reg == null) {
        agents.remove(a.leaseId);
        if (a.sink != null) {
          a.sink.close("lease " + a.leaseId + " is no longer registered");
        }
        continue;
      }
      if (a.sink == null) {
        continue;
      }
      SharedView to = sharedView(s, reg);
      if (a.sentResources == to.resources && a.sentEndpoints == to.endpoints) {
        continue;
      }
      byte[] line = deltas.computeIfAbsent(new DeltaKey(a.sentResources, a.sentEndpoints, to),
          k -> delta(a.sentResources, a.sentEndpoints, to, s.version()));
      a.sentResources = to.resources;
      a.sentEndpoints = to.endpoints;
      if (line != NO_CHANGE) {
        send(a, s.version(), line);
      }
    }
  }

  /** The DELTA event from what an agent was sent to {@code to}, as bytes, or {@link #NO_CHANGE}. */
  private byte[] delta(Map<ResourceId, Tree> sentResources, Map<String, Registered> sentEndpoints, SharedView to,
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

  private static byte[] line(WatchEvent event) {
    return (ProtocolJson.write(event) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private void heartbeat() {
    byte[] line = line(WatchEvent.heartbeat(store.state().version()));
    for (Agent a : agents.values()) {
      EventSink sink = a.sink;
      if (sink != null && !sink.send(line)) {
        drop(a, "heartbeat could not be queued");
      }
    }
  }

  private void send(Agent a, long version, byte[] line) {
    EventSink sink = a.sink;
    if (sink == null) {
      return;
    }
    a.sent = version;
    if (!sink.send(line)) {
      drop(a, "stream closed or too far behind");
    }
  }

  /** Forgets a stream; the agent resumes with since=its version on a new one. */
  private void drop(Agent a, String why) {
    EventSink sink = a.sink;
    a.sink = null;
    if (sink != null) {
      sink.close(why);
    }
    // What it was sent stays for its config dump; the resume's since says what it has, and
    // first() starts the bookkeeping over.
  }

  private List<ObjectNode> trees(java.util.Collection<StoredResource> resources) {
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

  private static List<Endpoint> endpoints(java.util.Collection<Registered> regs) {
    List<Endpoint> out = new ArrayList<>(regs.size());
    for (Registered r : regs) {
      out.add(new Endpoint(r.leaseId(), r.workload()));
    }
    return out;
  }

  @Override
  public void close() {
    try {
      executor.submit(() -> agents.values().forEach(a -> {
        if (a.sink != null) {
          a.sink.close(null);
          a.sink = null;
        }
      })).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("closing streams: {}", e.toString());
    }
    executor.shutdownNow();
  }
}
