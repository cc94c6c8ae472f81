package dev.meshlet.routing.internal;

import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import dev.meshlet.routing.mirror.MirrorExecutor;
import dev.meshlet.routing.retry.RetryBudget;
import dev.meshlet.routing.retry.RetryBudgetConfig;
import java.time.Clock;
import java.time.Duration;
import dev.meshlet.routing.ClusterStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What one mesh-wrapped client shares across calls and snapshots: where config and endpoints come
 * from, who the caller is, the injected clock and random source, the OkHttp clients attempts run
 * on, mirror executor, retry budgets and the listener.
 */
public final class MeshContext {
  private static final System.Logger LOG = System.getLogger(MeshContext.class.getName());

  final Supplier<ConfigSnapshot> config;
  final Supplier<EndpointRegistry> endpoints;
  final CallerIdentity caller;
  final Clock clock;
  final RandomGenerator random;
  final MeshCallListener listener;
  final MirrorExecutor mirrors;
  final Duration mirrorTimeout;
  final Set<String> nonIdempotentMethods;
  final RetryBudgetConfig budgetConfig;
  final @Nullable String locality;
  final @Nullable String sourceAddress;
  /** Decides each cluster's client TLS; null: every attempt in plaintext. */
  final @Nullable ClientTlsFactory clientTls;
  private final ConcurrentHashMap<String, RetryBudget> budgets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DestinationState> destinations = new ConcurrentHashMap<>();
  private final Object compileLock = new Object();
  private volatile CompiledMesh compiled;
  private volatile @Nullable ConfigSnapshot refused;

  public MeshContext(Supplier<ConfigSnapshot> config, Supplier<EndpointRegistry> endpoints, CallerIdentity caller,
      Clock clock, RandomGenerator random, MeshCallListener listener, MirrorExecutor mirrors, Duration mirrorTimeout,
      Set<String> nonIdempotentMethods, RetryBudgetConfig budgetConfig, @Nullable String locality,
      @Nullable String sourceAddress, @Nullable ClientTlsFactory clientTls) {
    this.config = config;
    this.endpoints = endpoints;
    this.caller = caller;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
    this.mirrors = mirrors;
    this.mirrorTimeout = mirrorTimeout;
    this.nonIdempotentMethods = Set.copyOf(nonIdempotentMethods);
    this.budgetConfig = budgetConfig;
    this.locality = locality;
    this.sourceAddress = sourceAddress;
    this.clientTls = clientTls;
    ConfigSnapshot first = config.get();
    CompiledMesh initial;
    try {
      initial = new CompiledMesh(first, endpoints.get(), this);
    } catch (RuntimeException e) {
      // Refused as any later snapshot would be: start from nothing rather than not at all.
      LOG.log(System.Logger.Level.WARNING, "config snapshot " + first.version() + " refused: " + e, e);
      refused = first;
      initial = new CompiledMesh(ConfigSnapshot.empty(), endpoints.get(), this);
    }
    this.compiled = initial;
  }

  /**
   * The compiled mesh for the snapshot and registry in force: the one already built when neither
   * changed (the common case: two volatile reads and two comparisons), else built once here.
   */
  CompiledMesh current() {
    ConfigSnapshot c = config.get();
    EndpointRegistry r = endpoints.get();
    CompiledMesh m = compiled;
    if (c == refused) {
      c = m.config; // a refused snapshot is skipped; a new registry still applies
    }
    if (m.config == c && m.registry == r) {
      return m;
    }
    synchronized (compileLock) {
      m = compiled;
      if (c == refused) {
        c = m.config;
      }
      if (m.config != c || m.registry != r) {
        try {
          m = new CompiledMesh(c, r, this);
          compiled = m;
        } catch (RuntimeException e) {
          // A snapshot that cannot compile is refused whole; the last good one stays in force.
          if (c != m.config) {
            refused = c;
          }
          LOG.log(System.Logger.Level.WARNING, "config snapshot " + c.version() + " refused: " + e, e);
        }
      }
      return m;
    }
  }

  /** The state of destination {@code name} ({@code outbound|port|subset|host}); it outlives snapshots. */
  DestinationState state(String name) {
    DestinationState s = destinations.get(name);
    return s != null ? s
        : destinations.computeIfAbsent(name, k -> new DestinationState(k, clock, random, locality, listener));
  }

  /** Every destination a call has used, as it looks now, by name: the admin {@code /clusters} view. */
  public List<ClusterStatus> clusters() {
    current(); // compiles a pending snapshot, so the view shows the endpoints calls would use
    List<ClusterStatus> out = new ArrayList<>();
    for (DestinationState s : destinations.values()) {
      ClusterStatus status = s.status();
      if (status != null) {
        out.add(status);
      }
    }
    out.sort(Comparator.comparing(ClusterStatus::name));
    return out;
  }

  /** The retry budget toward {@code service}; it outlives snapshots. */
  RetryBudget budget(String service) {
    RetryBudget b = budgets.get(service);
    return b != null ? b : budgets.computeIfAbsent(service, k -> new RetryBudget(budgetConfig, clock));
  }
}
