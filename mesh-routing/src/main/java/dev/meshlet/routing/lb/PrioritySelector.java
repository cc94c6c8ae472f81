package dev.meshlet.routing.lb;

import org.jspecify.annotations.Nullable;

/**
 * Locality failover: priority levels in order; a level gets all traffic while it has an
 * endpoint that is not excluded, and the next one takes over when it has none.
 */
final class PrioritySelector implements Selector {

  private final Selector[] levels;

  PrioritySelector(Selector[] levels) {
    this.levels = levels;
  }

  @Override
  public @Nullable Pick select(long hash, EndpointFilter exclude) {
    for (Selector level : levels) {
      Pick pick = level.select(hash, exclude);
      if (pick != null) {
        return pick;
      }
    }
    return null;
  }
}
