package dev.meshlet.routing.lb;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Locality distribution: a group of localities is chosen by weight, then an endpoint within it;
 * when the chosen group has no endpoint left, the other groups are tried in order.
 */
final class WeightedGroupSelector implements Selector {

  private final Selector[] groups;
  private final long[] cumulative;
  private final RandomGenerator random;

  WeightedGroupSelector(Selector[] groups, long[] weights, RandomGenerator random) {
    this.groups = groups;
    this.random = random;
    this.cumulative = new long[weights.length];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
  }

  @Override
  public @Nullable Pick select(long hash, EndpointFilter exclude) {
    if (groups.length == 0) {
      return null;
    }
    long total = cumulative[cumulative.length - 1];
    int chosen = 0;
    if (total > 0) {
      long target = random.nextLong(total);
      while (cumulative[chosen] <= target) {
        chosen++;
      }
    }
    for (int i = 0; i < groups.length; i++) {
      int g = (chosen + i) % groups.length;
      if (i > 0 && weightOf(g) == 0) {
        continue;
      }
      Pick pick = groups[g].select(hash, exclude);
      if (pick != null) {
        return pick;
      }
    }
    return null;
  }

  private long weightOf(int g) {
    return cumulative[g] - (g == 0 ? 0 : cumulative[g - 1]);
  }
}
