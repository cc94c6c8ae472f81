package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests in flight per endpoint, which LEAST_REQUEST balances on. One instance
 * lives as long as the destination's cluster and outlives rebuilt load balancers. The caller
 * reports {@link #start} when a try is sent and {@link #finish} exactly once when it ends
 * (response, error or cancel). Thread-safe.
 */
public final class ActiveRequests {

  private final ConcurrentHashMap<Endpoint, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** Records that a request to {@code endpoint} started. */
  public void start(Endpoint endpoint) {
    counter(endpoint).incrementAndGet();
  }

  /** Records that a request to {@code endpoint} ended; never goes below zero. */
  public void finish(Endpoint endpoint) {
    AtomicInteger count = counts.get(endpoint);
    if (count != null) {
      count.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }
  }

  /** The requests in flight to {@code endpoint}. */
  public int count(Endpoint endpoint) {
    AtomicInteger count = counts.get(endpoint);
    return count == null ? 0 : count.get();
  }

  /**
   * Forgets the endpoints not in {@code endpoints}, so counts do not pile up as endpoints come
   * and go; call it when the destination's endpoint set changes.
   */
  public void retainOnly(Collection<Endpoint> endpoints) {
    Set<Endpoint> keep = Set.copyOf(endpoints);
    counts.keySet().removeIf(e -> !keep.contains(e));
  }

  /** The live counter of {@code endpoint}, made on first use; load balancers keep it. */
  AtomicInteger counter(Endpoint endpoint) {
    return counts.computeIfAbsent(endpoint, e -> new AtomicInteger());
  }
}
