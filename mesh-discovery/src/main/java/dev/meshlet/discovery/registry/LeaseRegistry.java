package dev.meshlet.discovery.registry;

import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.Registration;
import dev.meshlet.discovery.DiscoveryException;
import dev.meshlet.discovery.auth.Principal;
import dev.meshlet.discovery.auth.Tokens;
import dev.meshlet.discovery.store.Change;
import dev.meshlet.discovery.store.DiscoveryStore;
import dev.meshlet.discovery.store.Registered;
import dev.meshlet.discovery.store.StoreState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registrations and their leases. A registration is stored durably; its lease deadline lives in
 * memory and moves with each renewal. {@link #expire()} removes every registration whose lease
 * has run out, which the store's listeners then push to the agents. After a restart each stored
 * registration gets a fresh term, so agents that are still alive have time to renew.
 *
 * <p>Over a store that {@link DiscoveryStore#expiresLeases() expires leases itself} (etcd) there
 * are no deadlines here: renewals go to the store and the store removes lapsed registrations.
 */
public final class LeaseRegistry {
  private static final Logger log = LoggerFactory.getLogger(LeaseRegistry.class);

  private final DiscoveryStore store;
  private final Clock clock;
  private final Duration ttl;
  private final Consumer<StoreState> onChange;
  private final Map<String, Instant> deadlines = new ConcurrentHashMap<>();

  public LeaseRegistry(DiscoveryStore store, Clock clock, Duration ttl, Consumer<StoreState> onChange) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("lease ttl: " + ttl + " (expected: positive)");
    }
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
    this.onChange = onChange;
    if (!store.expiresLeases()) {
      Instant deadline = clock.instant().plus(ttl);
      for (String leaseId : store.state().registrations().keySet()) {
        deadlines.put(leaseId, deadline);
      }
    }
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * Registers a workload for {@code caller}.
   *
   * @throws DiscoveryException 403 when the caller's credential proves another identity
   */
  public LeaseGrant register(Registration reg, Principal caller) throws IOException {
    if (reg.service().isBlank() || reg.address().isBlank()) {
      throw DiscoveryException.badRequest("registration: service and address are required (got service \""
          + reg.service() + "\", address \"" + reg.address() + "\")");
    }
    reg.ports().forEach((name, port) -> {
      if (port == null || port < 1 || port > 65535) {
        throw DiscoveryException.badRequest("registration: ports." + name + ": " + port + " (expected: 1..65535)");
      }
    });
    String sa = reg.serviceAccountOrDefault();
    String ns = reg.namespaceOrDefault();
    if (caller instanceof Principal.Workload w && !(w.serviceAccount().equals(sa) && w.namespace().equals(ns))) {
      throw DiscoveryException.forbidden("the credential proves " + w + " and cannot register as "
          + new Principal.Workload(sa, ns) + " (service account \"" + sa + "\" in namespace \"" + ns + "\")");
    }
    String leaseId = Tokens.newToken("l-").substring(0, 18);
    String name = reg.name() == null || reg.name().isBlank()
        ? reg.service() + "-" + leaseId.substring(2, 10).toLowerCase(java.util.Locale.ROOT)
        : reg.name();
    if (!store.expiresLeases()) {
      deadlines.put(leaseId, clock.instant().plus(ttl));
    }
    StoreState s;
    try {
      s = store.commit(new Change.Register(leaseId, name, reg.toWorkload(), ttl.toSeconds()));
    } catch (IOException | RuntimeException e) {
      deadlines.remove(leaseId);
      throw e;
    }
    onChange.accept(s);
    return new LeaseGrant(leaseId, name, ttl.toSeconds(), s.version());
  }

  /**
   * Renews a lease for another term.
   *
   * @throws DiscoveryException 404 when the lease is unknown or has expired (register again), 403
   *     when it belongs to another identity
   */
  public LeaseGrant renew(String leaseId, Principal caller) throws IOException {
    Registered r = owned(leaseId, caller);
    if (store.expiresLeases()) {
      // The lease lives in the store, so any replica can renew what another one granted.
      if (!store.renew(leaseId)) {
        throw DiscoveryException.notFound("lease " + leaseId + " has expired (register again)");
      }
      return new LeaseGrant(leaseId, r.name(), ttl.toSeconds(), store.state().version());
    }
    // Only a lease still in force can be renewed; one past its deadline is as good as gone.
    Instant now = clock.instant();
    Instant next = now.plus(ttl);
    Instant prev = deadlines.computeIfPresent(leaseId, (k, d) -> d.isBefore(now) ? d : next);
    if (prev == null || prev != next) {
      throw DiscoveryException.notFound("lease " + leaseId + " has expired (register again)");
    }
    return new LeaseGrant(leaseId, r.name(), ttl.toSeconds(), store.state().version());
  }

  /** Removes a registration at its agent's request. */
  public long deregister(String leaseId, Principal caller) throws IOException {
    owned(leaseId, caller);
    deadlines.remove(leaseId);
    StoreState s = store.commit(new Change.Deregister(leaseId, "deregistered"));
    onChange.accept(s);
    return s.version();
  }

  /** The registration of {@code leaseId}, checked to belong to {@code caller}. */
  public Registered owned(String leaseId, Principal caller) {
    Registered r = store.state().registrations().get(leaseId);
    if (r == null && store.catchUp()) {
      r = store.state().registrations().get(leaseId); // registered through another replica a moment ago
    }
    if (r == null) {
      throw DiscoveryException.notFound("no registration with lease " + leaseId + " (expired or deregistered; register again)");
    }
    if (caller instanceof Principal.Workload w
        && !(w.serviceAccount().equals(r.workload().serviceAccount()) && w.namespace().equals(r.workload().namespace()))) {
      throw DiscoveryException.forbidden("lease " + leaseId + " belongs to cluster.local/ns/" + r.workload().namespace()
          + "/sa/" + r.workload().serviceAccount() + ", not to " + w);
    }
    return r;
  }

  /** Removes every registration whose lease ran out; returns how many. */
  public int expire() {
    Instant now = clock.instant();
    List<String> expired = new ArrayList<>();
    deadlines.forEach((id, deadline) -> {
      if (deadline.isBefore(now)) {
        expired.add(id);
      }
    });
    int n = 0;
    for (String id : expired) {
      if (deadlines.remove(id) == null) {
        continue;
      }
      try {
        StoreState s = store.commit(new Change.Deregister(id, "lease expired"));
        onChange.accept(s);
        n++;
        log.info("lease {} expired: endpoint removed", id);
      } catch (IOException e) {
        deadlines.put(id, now); // try again at the next sweep
        log.warn("cannot remove expired lease {}: {}", id, e.toString());
      }
    }
    return n;
  }
}
