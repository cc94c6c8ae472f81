package dev.meshlet.routing.internal;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.route.RouteRequest;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The seam between the request path and load balancing: picks an endpoint of a cluster for one
 * attempt and hears how the attempt went. One instance per cluster.
 */
interface EndpointPicker {
  /**
   * An endpoint of {@code endpoints} for this attempt, avoiding {@code avoid} where another exists;
   * null when there is none to pick.
   */
  @Nullable Endpoint pick(List<Endpoint> endpoints, Collection<Endpoint> avoid, RouteRequest request);

  /** An attempt toward {@code endpoint} starts. */
  default void started(Endpoint endpoint) {}

  /** The attempt toward {@code endpoint} ended with {@code status} (0 with no response). */
  default void finished(Endpoint endpoint, int status, boolean localOriginFailure) {}
}
