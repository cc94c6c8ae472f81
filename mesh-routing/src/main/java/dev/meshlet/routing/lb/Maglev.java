package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size filled by
 * each endpoint's own permutation of the slots, in proportion to weight. A key reads one slot;
 * an excluded endpoint's slot falls through to the next slots' owners.
 */
final class Maglev extends Algorithm {

  private final int[] table;

  Maglev(List<Endpoint> endpoints, RandomGenerator random, int tableSize) {
    super(endpoints, random);
    int n = this.endpoints.length;
    table = new int[tableSize];
    if (n == 0) {
      return;
    }
    Arrays.fill(table, -1);
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    double[] credit = new double[n];
    int maxWeight = 1;
    for (int i = 0; i < n; i++) {
      String name = this.endpoints[i].hostPort();
      offset[i] = Long.remainderUnsigned(Hashing.hash64(name), tableSize);
      skip[i] = Long.remainderUnsigned(Hashing.mix(Hashing.hash64(name) + 0x9e3779b97f4a7c15L), tableSize - 1) + 1;
      maxWeight = Math.max(maxWeight, weights[i]);
    }
    int filled = 0;
    while (filled < tableSize) {
      for (int i = 0; i < n && filled < tableSize; i++) {
        // Heavier endpoints claim a slot every round, lighter ones every few rounds.
        credit[i] += (double) weights[i] / maxWeight;
        if (credit[i] < 1) {
          continue;
        }
        credit[i] -= 1;
        int slot;
        do {
          slot = (int) ((offset[i] + next[i] * skip[i]) % tableSize);
          next[i]++;
        } while (table[slot] >= 0);
        table[slot] = i;
        filled++;
      }
    }
  }

  @Override
  int pickIndex(long hash, EndpointFilter exclude) {
    int start = (int) Long.remainderUnsigned(hash, table.length);
    for (int i = 0; i < table.length; i++) {
      int owner = table[(start + i) % table.length];
      if (!exclude.excludes(endpoints[owner])) {
        return owner;
      }
    }
    return -1;
  }
}
