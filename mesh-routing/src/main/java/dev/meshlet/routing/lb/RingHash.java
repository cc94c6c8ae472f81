package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Ketama-style ring hash: each endpoint owns points on a 64-bit ring in proportion to its
 * weight; a key goes to the first point at or after its hash, skipping excluded endpoints. When
 * an endpoint leaves, only the keys that fell on its points move.
 */
final class RingHash extends Algorithm {

  private final long[] points;
  private final int[] owners;

  RingHash(List<Endpoint> endpoints, RandomGenerator random, long minimumRingSize) {
    super(endpoints, random);
    int n = this.endpoints.length;
    // Points per unit of weight, rounded up to a power of two: the ring has at least the minimum
    // size (at most twice it), and an endpoint leaving or joining rarely changes the others'
    // points, so only its own keys move.
    long perWeight = Long.highestOneBit(Math.max(1, (minimumRingSize + totalWeight - 1) / Math.max(1, totalWeight)) * 2 - 1);
    perWeight = Math.max(1, Math.min(perWeight, LoadBalancerFactory.MAXIMUM_RING_SIZE / Math.max(1, totalWeight)));
    int[] perEndpoint = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      perEndpoint[i] = (int) (perWeight * weights[i]);
      total += perEndpoint[i];
    }
    // Sort (hash, owner) pairs by hash, as unsigned, so the ring covers the whole 64-bit range.
    long[] hashes = new long[total];
    int[] who = new int[total];
    int k = 0;
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < perEndpoint[i]; j++) {
        name.setLength(0);
        name.append(this.endpoints[i].hostPort()).append('_').append(j);
        hashes[k] = Hashing.hash64(name) ^ Long.MIN_VALUE; // signed order == unsigned order
        who[k] = i;
        k++;
      }
    }
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Long.compare(hashes[a], hashes[b]);
      return c != 0 ? c : Integer.compare(who[a], who[b]);
    });
    points = new long[total];
    owners = new int[total];
    for (int i = 0; i < total; i++) {
      points[i] = hashes[order[i]];
      owners[i] = who[order[i]];
    }
  }

  /** Points on the ring, for tests and the admin view. */
  int ringSize() {
    return points.length;
  }

  @Override
  int pickIndex(long hash, EndpointFilter exclude) {
    int at = Arrays.binarySearch(points, hash ^ Long.MIN_VALUE);
    if (at < 0) {
      at = -at - 1;
    }
    for (int i = 0; i < points.length; i++) {
      int owner = owners[(at + i) % points.length];
      if (!exclude.excludes(endpoints[owner])) {
        return owner;
      }
    }
    return -1;
  }
}
