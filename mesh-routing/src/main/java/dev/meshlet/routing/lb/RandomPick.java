package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/** Weighted random: a binary search in the cumulative weights. */
final class RandomPick extends Algorithm {

  private final long[] cumulative;

  RandomPick(List<Endpoint> endpoints, RandomGenerator random) {
    super(endpoints, random);
    cumulative = new long[this.endpoints.length];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
  }

  @Override
  int pickIndex(long hash, EndpointFilter exclude) {
    int i = pickAny();
    if (!exclude.excludes(endpoints[i])) {
      return i;
    }
    return weightedAmongEligible(exclude);
  }

  private int pickAny() {
    if (equalWeights) {
      return random.nextInt(endpoints.length);
    }
    long target = random.nextLong(totalWeight);
    int i = Arrays.binarySearch(cumulative, target + 1);
    return i >= 0 ? i : -i - 1;
  }
}
