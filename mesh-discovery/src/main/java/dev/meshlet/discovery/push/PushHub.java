package dev.meshlet.discovery.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.protocol.Ack;
import dev.meshlet.core.protocol.ConfigDump;
import dev.meshlet.core.protocol.Endpoint;
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
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
  private final ScopeViews views = new ScopeViews();
  private long pushedVersion = -1;
  private final long debounceMillis;
  private final AtomicBoolean pushScheduled = new AtomicBoolean();

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
    Map<ResourceId, ScopeViews.Tree> sentResources = Map.of();
    Map<String, Registered> sentEndpoints = Map.of();

    Agent(String leaseId) {
      this.leaseId = leaseId;
    }
  }

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
   * Records an agent's ACK or NACK on the hub's thread and then calls {@code done} there, with
   * null or the refusal: no HTTP thread waits for the hub, so a thousand agents answering a push
   * at once do not exhaust the server's threads.
   *
   * <p>The refusal is a {@link DiscoveryException}: 404 for an unknown lease, 400 for a version
   * never sent to it, 503 when the server is stopping.
   */
  public void ack(Ack ack, Consumer<@Nullable DiscoveryException> done) {
    try {
      executor.execute(() -> {
        DiscoveryException refused = null;
        try {
          record(ack);
        } catch (DiscoveryException e) {
          refused = e;
        }
        done.accept(refused);
      });
    } catch (RejectedExecutionException e) {
      done.accept(new DiscoveryException(503, "the server is stopping (try another server or again later)"));
    }
  }

  private void record(Ack ack) {
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
    ScopeViews.SharedView shared = views.sharedView(s, reg);
    AgentView view = shared.view;
    byte[] line;
    if (since == null || since < s.compactedVersion() || since > s.version()
        || scopeChangedSince(s, since, reg.workload().namespace())) {
      if (shared.fullLine == null) {
        shared.fullLine = ScopeViews.line(new WatchEvent(WatchEvent.Type.FULL, s.version(), views.trees(view.resources().values()),
            List.of(), ScopeViews.endpoints(view.endpoints().values()), List.of()));
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
      line = ScopeViews.line(new WatchEvent(WatchEvent.Type.DELTA, s.version(), views.trees(changed), removed,
          ScopeViews.endpoints(eps), gone));
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

  private void push() {
    StoreState s = store.state();
    if (s.version() == pushedVersion) {
      return;
    }
    pushedVersion = s.version();
    views.retain(s);
    // Agents that were sent the same view get the same delta: computed and serialized once.
    Map<ScopeViews.DeltaKey, byte[]> deltas = new HashMap<>();
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
      ScopeViews.SharedView to = views.sharedView(s, reg);
      if (a.sentResources == to.resources && a.sentEndpoints == to.endpoints) {
        continue;
      }
      byte[] line = deltas.computeIfAbsent(new ScopeViews.DeltaKey(a.sentResources, a.sentEndpoints, to),
          k -> views.delta(a.sentResources, a.sentEndpoints, to, s.version()));
      a.sentResources = to.resources;
      a.sentEndpoints = to.endpoints;
      if (line != ScopeViews.NO_CHANGE) {
        send(a, s.version(), line);
      }
    }
  }

  private void heartbeat() {
    byte[] line = ScopeViews.line(WatchEvent.heartbeat(store.state().version()));
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
