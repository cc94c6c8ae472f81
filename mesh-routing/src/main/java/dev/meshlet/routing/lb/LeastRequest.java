package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Least request by the power of two choices (Istio's default): two endpoints drawn at random,
 * the one with fewer requests in flight per unit of weight wins, ties to the first drawn.
 */
final class LeastRequest extends Algorithm {

  /** Random draws that may hit excluded endpoints before a full scan for eligible ones. */
  private static final int DRAWS = 4;

  private final AtomicInteger[] active;

  LeastRequest(List<Endpoint> endpoints, RandomGenerator random, ActiveRequests activeRequests) {
    super(endpoints, random);
    active = new AtomicInteger[this.endpoints.length];
    for (int i = 0; i < active.length; i++) {
      active[i] = activeRequests.counter(this.endpoints[i]);
    }
  }

  @Override
  int pickIndex(long hash, EndpointFilter exclude) {
    int first = drawEligible(exclude);
    if (first < 0) {
      return -1;
    }
    int second = drawEligible(exclude);
    if (second < 0 || second == first) {
      return first;
    }
    // Compare active/weight without division: a1/w1 <= a2/w2  <=>  a1*w2 <= a2*w1.
    long load1 = (long) active[first].get() * weights[second];
    long load2 = (long) active[second].get() * weights[first];
    return load2 < load1 ? second : first;
  }

  private int drawEligible(EndpointFilter exclude) {
    int n = endpoints.length;
    for (int attempt = 0; attempt < DRAWS; attempt++) {
      int i = random.nextInt(n);
      if (!exclude.excludes(endpoints[i])) {
        return i;
      }
    }
    int eligible = 0;
    for (Endpoint e : endpoints) {
      if (!exclude.excludes(e)) {
        eligible++;
      }
    }
    if (eligible == 0) {
      return -1;
    }
    int k = random.nextInt(eligible);
    for (int i = 0; i < n; i++) {
      if (!exclude.excludes(endpoints[i]) && k-- == 0) {
        return i;
      }
    }
    return -1;
  }
}
