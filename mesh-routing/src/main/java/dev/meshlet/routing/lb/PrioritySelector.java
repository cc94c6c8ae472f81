package dev.meshlet.routing.lb;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Locality failover as Envoy's priority levels: a level takes all traffic while at least
 * 1/1.4 (about 71%) of its endpoints are eligible; below that, its share shrinks in proportion
 * ({@code min(100, 1.4 x healthy%)}) and the rest spills to the next levels in order. When the
 * levels' health adds up to less than 100%, the shares are scaled up to fill 100%. A level with
 * no eligible endpoint at all passes its pick on to the next.
 *
 * <p>The common case, a fully healthy first level, costs one scan of that level's endpoints.
 */
final class PrioritySelector implements Selector {

  /** Envoy's default overprovisioning factor, 1.4, in percent. */
  private static final int OVERPROVISIONING = 140;

  private final Algorithm[] levels;
  private final RandomGenerator random;
  private final boolean hashed;

  /**
   * @param hashed whether picks carry a request hash (consistent hashing): the level is then
   *     chosen from the hash, so a key keeps its level as Envoy's hashing balancers do
   */
  PrioritySelector(Algorithm[] levels, RandomGenerator random, boolean hashed) {
    this.levels = levels;
    this.random = random;
    this.hashed = hashed;
  }

  @Override
  public @Nullable Pick select(long hash, EndpointFilter exclude) {
    if (levels.length == 0) {
      return null;
    }
    int first = health(levels[0], exclude);
    if (first >= 100 || levels.length == 1) {
      return cascade(0, hash, exclude);
    }
    // Envoy's priority load: each level takes its health, capped by what the ones before left.
    int[] load = new int[levels.length]; // small and rare: only while the first level is degraded
    int left = 100;
    for (int i = 0; i < levels.length && left > 0; i++) {
      int h = i == 0 ? first : health(levels[i], exclude);
      load[i] = Math.min(left, h);
      left -= load[i];
    }
    int total = 100 - left;
    if (total == 0) {
      return null;
    }
    // Less than 100% healthy in all: scale the loads to fill 100% (Envoy's normalization).
    int point = (int) Math.floorMod(hashed ? Hashing.mix(hash) : random.nextLong(), (long) total);
    for (int i = 0; i < levels.length; i++) {
      point -= load[i];
      if (point < 0) {
        return cascade(i, hash, exclude);
      }
    }
    return cascade(0, hash, exclude);
  }

  /** Picks in level {@code from}, or the first later level that has an eligible endpoint. */
  private @Nullable Pick cascade(int from, long hash, EndpointFilter exclude) {
    for (int i = from; i < levels.length; i++) {
      Pick pick = levels[i].select(hash, exclude);
      if (pick != null) {
        return pick;
      }
    }
    return null;
  }

  /** {@code min(100, 1.4 x eligible%)} of a level. */
  private static int health(Algorithm level, EndpointFilter exclude) {
    int n = level.endpoints.length;
    if (n == 0) {
      return 0;
    }
    int eligible = 0;
    for (int i = 0; i < n; i++) {
      if (!level.excluded(i, exclude)) {
        eligible++;
      }
    }
    return (int) Math.min(100, (long) OVERPROVISIONING * eligible / n);
  }
}
