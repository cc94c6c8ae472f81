package dev.meshlet.routing.internal;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.route.RouteRequest;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Plain round robin, skipping endpoints to avoid while any other is left. */
final class RoundRobinPicker implements EndpointPicker {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public @Nullable Endpoint pick(List<Endpoint> endpoints, Collection<Endpoint> avoid, RouteRequest request) {
    int n = endpoints.size();
    if (n == 0) {
      return null;
    }
    int start = next.getAndIncrement() & Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Endpoint e = endpoints.get((start + i) % n);
      if (avoid.isEmpty() || !avoid.contains(e)) {
        return e;
      }
    }
    return endpoints.get(start % n);
  }
}
