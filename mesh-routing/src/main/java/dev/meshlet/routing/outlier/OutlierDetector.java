package dev.meshlet.routing.outlier;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.lb.EndpointFilter;
import dev.meshlet.routing.outlier.OutlierEvent.Listener;
import dev.meshlet.routing.outlier.OutlierEvent.Type;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Per-endpoint outlier detection for one destination (Envoy's outlier detector as Istio
 * configures it). The caller reports each try's outcome ({@link #onResponse}, {@link
 * #onLocalOriginFailure}); after enough failures in a row an endpoint is ejected for {@code
 * baseEjectionTime} times the number of times it was ejected, within {@code maxEjectionPercent}.
 * {@link #filter()} excludes ejected endpoints from load balancing unless fewer than {@code
 * minHealthPercent} are healthy (panic: every endpoint is used).
 *
 * <p>An endpoint returns exactly when its time is up (checked on use, so no timer is needed for
 * that); {@link #sweep()}, run every {@link OutlierConfig#interval()}, reports returns nobody
 * asked about and forgives one ejection of endpoints that stayed healthy, as Envoy does.
 *
 * <p>Thread-safe. Reporting and filtering take no lock (a volatile read, atomic counters); only
 * an ejection or a return does.
 */
public final class OutlierDetector {

  private final OutlierConfig config;
  private final Clock clock;
  private final Listener listener;
  private final Object lock = new Object();
  private final EndpointFilter filter = this::excludes;
  private volatile Map<Endpoint, State> hosts = Map.of();
  private volatile int ejectedCount; // written under lock

  public OutlierDetector(OutlierConfig config, Clock clock, Listener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public OutlierConfig config() {
    return config;
  }

  /**
   * Sets the destination's endpoints. Endpoints that stay keep their state (an ejection
   * survives an endpoint update); new ones start healthy; removed ones are forgotten.
   */
  public void setEndpoints(Collection<Endpoint> endpoints) {
    synchronized (lock) {
      Map<Endpoint, State> old = hosts;
      Map<Endpoint, State> next = new HashMap<>();
      int ejected = 0;
      for (Endpoint e : endpoints) {
        State s = old.get(e);
        if (s == null) {
          s = new State(e);
        }
        next.put(e, s);
        if (s.ejectedUntil != 0) {
          ejected++;
        }
      }
      hosts = Map.copyOf(next);
      ejectedCount = ejected;
    }
  }

  /** Reports the HTTP status a try to {@code endpoint} got back. */
  public void onResponse(Endpoint endpoint, int status) {
    State s = hosts.get(endpoint);
    if (s == null) {
      return;
    }
    if (config.splitExternalLocalOriginErrors()) {
      s.localOrigin.set(0); // a response proves the connection worked
    }
    countStatus(s, status);
  }

  /**
   * Reports a failure of {@code endpoint} that no response carried: a connect failure, a timeout
   * or a reset. Counted apart when {@code splitExternalLocalOriginErrors}; otherwise as a 503.
   */
  public void onLocalOriginFailure(Endpoint endpoint) {
    State s = hosts.get(endpoint);
    if (s == null) {
      return;
    }
    if (!config.splitExternalLocalOriginErrors()) {
      countStatus(s, 503);
      return;
    }
    int n = s.localOrigin.incrementAndGet();
    if (config.consecutiveLocalOriginFailures() > 0 && n >= config.consecutiveLocalOriginFailures()) {
      eject(s, EjectionReason.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
    }
  }

  /** Reports that a connection to {@code endpoint} succeeded (resets the local-origin run). */
  public void onLocalOriginSuccess(Endpoint endpoint) {
    State s = hosts.get(endpoint);
    if (s != null) {
      s.localOrigin.set(0);
    }
  }

  private void countStatus(State s, int status) {
    if (status < 500 || status > 599) {
      s.fiveXx.set(0);
      s.gateway.set(0);
      return;
    }
    if (status >= 502 && status <= 504) {
      int g = s.gateway.incrementAndGet();
      if (config.consecutiveGatewayErrors() > 0 && g >= config.consecutiveGatewayErrors()) {
        eject(s, EjectionReason.CONSECUTIVE_GATEWAY_ERROR);
        return;
      }
    } else {
      s.gateway.set(0);
    }
    int f = s.fiveXx.incrementAndGet();
    if (config.consecutive5xxErrors() > 0 && f >= config.consecutive5xxErrors()) {
      eject(s, EjectionReason.CONSECUTIVE_5XX);
    }
  }

  private void eject(State s, EjectionReason reason) {
    if (s.ejectedUntil > clock.millis()) {
      return; // already ejected: a try that was in flight; no lock on this path
    }
    List<OutlierEvent> events;
    OutlierEvent event;
    synchronized (lock) {
      long now = clock.millis();
      if (hosts.get(s.endpoint) != s || (s.ejectedUntil != 0 && s.ejectedUntil > now)) {
        return; // removed meanwhile, or a try that was in flight when it was ejected
      }
      events = returnExpiredLocked(now);
      int total = hosts.size();
      int ejected = ejectedCount;
      // Envoy: at most maxEjectionPercent ejected at once, but one endpoint always may be.
      if (ejected > 0 && (long) (ejected + 1) * 100 > (long) config.maxEjectionPercent() * total) {
        event = new OutlierEvent(Type.EJECTION_SKIPPED, s.endpoint, reason, s.timesEjected, null);
      } else {
        s.timesEjected++;
        s.totalEjections++;
        long duration = Math.min(
            config.baseEjectionTime().toMillis() * s.timesEjected, config.maxEjectionTime().toMillis());
        s.ejectedUntil = Math.max(1, now + duration);
        s.fiveXx.set(0);
        s.gateway.set(0);
        s.localOrigin.set(0);
        ejectedCount = ejected + 1;
        event = new OutlierEvent(
            Type.EJECTED, s.endpoint, reason, s.timesEjected, Instant.ofEpochMilli(s.ejectedUntil));
      }
    }
    events.forEach(this::publish);
    publish(event);
  }

  /** Returns every endpoint whose time is up; returns events to publish outside the lock. */
  private List<OutlierEvent> returnExpiredLocked(long now) {
    List<OutlierEvent> events = new ArrayList<>(0);
    for (State s : hosts.values()) {
      if (s.ejectedUntil != 0 && s.ejectedUntil <= now) {
        events.add(returnLocked(s, now));
      }
    }
    return events;
  }

  private OutlierEvent returnLocked(State s, long now) {
    s.ejectedUntil = 0;
    s.returnedAt = now;
    ejectedCount--;
    return new OutlierEvent(Type.RETURNED, s.endpoint, null, s.timesEjected, null);
  }

  private void publish(@Nullable OutlierEvent event) {
    if (event == null) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      // Telemetry never breaks the data path.
    }
  }

  /**
   * Reviews every endpoint; call it every {@link OutlierConfig#interval()}. Returns those whose
   * time is up and forgives one past ejection of each endpoint that has been back for at least
   * {@code baseEjectionTime}, so an endpoint that recovered is not punished forever.
   */
  public void sweep() {
    List<OutlierEvent> events;
    synchronized (lock) {
      long now = clock.millis();
      events = returnExpiredLocked(now);
      long base = config.baseEjectionTime().toMillis();
      for (State s : hosts.values()) {
        if (s.ejectedUntil == 0 && s.timesEjected > 0 && now - s.returnedAt >= base) {
          s.timesEjected--;
          s.returnedAt = now;
        }
      }
    }
    events.forEach(this::publish);
  }

  /**
   * The filter a load-balancing pick applies: it excludes ejected endpoints, or nothing while
   * in panic (fewer than {@code minHealthPercent} healthy). One instance; allocation-free.
   */
  public EndpointFilter filter() {
    return filter;
  }

  private boolean excludes(Endpoint endpoint) {
    State s = hosts.get(endpoint);
    if (s == null) {
      return false;
    }
    long until = s.ejectedUntil;
    if (until == 0) {
      return false;
    }
    if (clock.millis() >= until) {
      returnIfExpired(s);
      return false;
    }
    return !isPanic();
  }

  private void returnIfExpired(State s) {
    OutlierEvent event = null;
    synchronized (lock) {
      long now = clock.millis();
      if (s.ejectedUntil != 0 && s.ejectedUntil <= now && hosts.get(s.endpoint) == s) {
        event = returnLocked(s, now);
      }
    }
    publish(event);
  }

  /** Whether {@code endpoint} is ejected now (regardless of panic). */
  public boolean isEjected(Endpoint endpoint) {
    State s = hosts.get(endpoint);
    if (s == null || s.ejectedUntil == 0) {
      return false;
    }
    if (clock.millis() >= s.ejectedUntil) {
      returnIfExpired(s);
      return false;
    }
    return true;
  }

  /** Whether fewer than {@code minHealthPercent} of the endpoints are healthy. */
  public boolean isPanic() {
    int total = hosts.size();
    int healthy = total - ejectedCount;
    return total > 0 && (long) healthy * 100 < (long) config.minHealthPercent() * total;
  }

  /**
   * The endpoints a pick may choose now: the healthy ones, or all in panic. Empty when every
   * endpoint is ejected (the caller fails the call with UH). Allocates: not for the hot path.
   */
  public List<Endpoint> eligibleEndpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : hosts.keySet()) {
      if (!excludes(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Whether any endpoint may be picked now (false: fail with UH). */
  public boolean hasEligibleEndpoint() {
    for (Endpoint e : hosts.keySet()) {
      if (!excludes(e)) {
        return true;
      }
    }
    return false;
  }

  /** The state of every endpoint, for the admin view and metrics. */
  public List<EndpointHealth> health() {
    List<EndpointHealth> out = new ArrayList<>();
    for (State s : hosts.values()) {
      boolean ejected = isEjected(s.endpoint);
      long until = s.ejectedUntil;
      out.add(new EndpointHealth(
          s.endpoint,
          ejected,
          s.timesEjected,
          s.totalEjections,
          ejected && until != 0 ? Instant.ofEpochMilli(until) : null,
          s.fiveXx.get(),
          s.gateway.get(),
          s.localOrigin.get()));
    }
    return out;
  }

  /** Per-endpoint counters; ejection fields are written under the detector's lock. */
  private static final class State {
    final Endpoint endpoint;
    final AtomicInteger fiveXx = new AtomicInteger();
    final AtomicInteger gateway = new AtomicInteger();
    final AtomicInteger localOrigin = new AtomicInteger();
    volatile long ejectedUntil; // epoch millis; 0 when not ejected
    volatile int timesEjected;
    volatile long totalEjections;
    long returnedAt;

    State(Endpoint endpoint) {
      this.endpoint = endpoint;
    }
  }
}
