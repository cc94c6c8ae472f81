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
  private final long ownerMask;

  RingHash(List<Endpoint> endpoints, RandomGenerator random, long minimumRingSize) {
    this(endpoints, random, minimumRingSize, LoadBalancerFactory.MAXIMUM_RING_SIZE);
  }

  RingHash(List<Endpoint> endpoints, RandomGenerator random, long minimumRingSize, long maximumRingSize) {
    super(endpoints, random);
    int n = this.endpoints.length;
    // Points per unit of weight, rounded up to a power of two: the ring has at least the minimum
    // size (at most twice it), and an endpoint leaving or joining rarely changes the others'
    // points, so only its own keys move.
    long perWeight = Long.highestOneBit(Math.max(1, (minimumRingSize + totalWeight - 1) / Math.max(1, totalWeight)) * 2 - 1);
    // Huge weights: scale the points down so the ring stays within Envoy's maximum size.
    double scale = (double) perWeight * totalWeight > maximumRingSize
        ? (double) maximumRingSize / ((double) perWeight * totalWeight)
        : 1.0;
    int[] perEndpoint = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      perEndpoint[i] = (int) Math.max(1, Math.floor(perWeight * (double) weights[i] * scale));
      total += perEndpoint[i];
    }
    // One sorted long per point: the hash's high bits (its position, compared unsigned) with
    // the owner's index in the low bits, so a primitive sort orders points and owners together.
    int ownerBits = Math.max(1, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)));
    ownerMask = (1L << ownerBits) - 1;
    long[] keys = new long[total];
    int k = 0;
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < perEndpoint[i]; j++) {
        name.setLength(0);
        name.append(this.endpoints[i].hostPort()).append('_').append(j);
        long position = (Hashing.hash64(name) ^ Long.MIN_VALUE) & ~ownerMask; // signed order == unsigned
        keys[k++] = position | i;
      }
    }
    Arrays.sort(keys);
    points = keys;
  }

  /** Points on the ring, for tests and the admin view. */
  int ringSize() {
    return points.length;
  }

  @Override
  int pickIndex(long hash, EndpointFilter exclude) {
    if (points.length == 0) {
      return -1;
    }
    int at = Arrays.binarySearch(points, (hash ^ Long.MIN_VALUE) & ~ownerMask);
    if (at < 0) {
      at = -at - 1;
    }
    for (int i = 0; i < points.length; i++) {
      int owner = (int) (points[(at + i) % points.length] & ownerMask);
      if (!exclude.excludes(endpoints[owner])) {
        return owner;
      }
    }
    return -1;
  }
}
