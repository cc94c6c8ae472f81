package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Weighted round robin: a precomputed smooth schedule (each endpoint appears in proportion to
 * its weight, interleaved rather than in bursts) walked by one atomic counter.
 */
final class RoundRobin extends Algorithm {

  /** Bounds the schedule's length (and so its build cost and memory). */
  private static final int MAX_SCHEDULE = 65_536;

  private final int[] schedule;
  private final AtomicInteger next;

  RoundRobin(List<Endpoint> endpoints, RandomGenerator random) {
    super(endpoints, random);
    this.schedule = schedule();
    // Start at a random place, as Envoy does, so that many clients do not move in lockstep.
    this.next = new AtomicInteger(schedule.length == 0 ? 0 : random.nextInt(schedule.length));
  }

  private int[] schedule() {
    int n = endpoints.length;
    if (n == 0) {
      return new int[0];
    }
    if (equalWeights) {
      int[] plain = new int[n];
      for (int i = 0; i < n; i++) {
        plain[i] = i;
      }
      return plain;
    }
    int cap = Math.max(n, Math.min(MAX_SCHEDULE, 20_000_000 / n));
    long[] w = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      w[i] = totalWeight <= cap ? weights[i] : Math.max(1, Math.round((double) weights[i] * cap / totalWeight));
      total += w[i];
    }
    // Smooth weighted round robin: every step all credits grow by their weight and the richest
    // endpoint is chosen and pays the total.
    int[] out = new int[(int) total];
    long[] credit = new long[n];
    for (int step = 0; step < out.length; step++) {
      int best = 0;
      for (int i = 0; i < n; i++) {
        credit[i] += w[i];
        if (credit[i] > credit[best]) {
          best = i;
        }
      }
      credit[best] -= total;
      out[step] = best;
    }
    return out;
  }

  @Override
  int pickIndex(long hash, EndpointFilter exclude) {
    int start = next.getAndIncrement();
    for (int i = 0; i < schedule.length; i++) {
      int candidate = schedule[Math.floorMod(start + i, schedule.length)];
      if (!exclude.excludes(endpoints[candidate])) {
        return candidate;
      }
    }
    return -1;
  }
}
