package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A balancing algorithm over a fixed array of endpoints. Subclasses return an index, or -1 when
 * every endpoint is excluded; picks without a cookie are preallocated so a pick allocates nothing.
 */
abstract class Algorithm implements Selector {

  final Endpoint[] endpoints;
  final int[] weights;
  final long totalWeight;
  final boolean equalWeights;
  final RandomGenerator random;
  private final Pick[] picks;

  Algorithm(List<Endpoint> endpoints, RandomGenerator random) {
    this.endpoints = endpoints.toArray(new Endpoint[0]);
    this.random = random;
    this.weights = new int[this.endpoints.length];
    this.picks = new Pick[this.endpoints.length];
    long total = 0;
    boolean equal = true;
    for (int i = 0; i < this.endpoints.length; i++) {
      weights[i] = this.endpoints[i].weight();
      picks[i] = new Pick(this.endpoints[i], null);
      total += weights[i];
      equal &= weights[i] == weights[0];
    }
    this.totalWeight = total;
    this.equalWeights = equal;
  }

  abstract int pickIndex(long hash, EndpointFilter exclude);

  final boolean excluded(int i, EndpointFilter exclude) {
    return exclude.excludes(endpoints[i]);
  }

  @Override
  public final @Nullable Pick select(long hash, EndpointFilter exclude) {
    if (endpoints.length == 0) {
      return null;
    }
    int i = pickIndex(hash, exclude);
    return i < 0 ? null : picks[i];
  }

  /** A weighted random pick among the endpoints not excluded, in two passes; -1 when none. */
  final int weightedAmongEligible(EndpointFilter exclude) {
    long eligible = 0;
    for (int i = 0; i < endpoints.length; i++) {
      if (!exclude.excludes(endpoints[i])) {
        eligible += weights[i];
      }
    }
    if (eligible == 0) {
      return -1;
    }
    long target = random.nextLong(eligible);
    for (int i = 0; i < endpoints.length; i++) {
      if (!exclude.excludes(endpoints[i])) {
        target -= weights[i];
        if (target < 0) {
          return i;
        }
      }
    }
    return -1; // only if the filter changed its mind between passes
  }
}
