package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;

/**
 * Says which endpoints a pick must skip: ejected ones, or the ones a retry already tried
 * (retryIgnorePreviousHosts). Implementations must be cheap and thread-safe; they run per
 * candidate on the request path.
 */
@FunctionalInterface
public interface EndpointFilter {

  /** Skips nothing. */
  EndpointFilter NONE = endpoint -> false;

  /** Whether the pick must not return {@code endpoint}. */
  boolean excludes(Endpoint endpoint);

  /** A filter that excludes what this one or {@code other} excludes. */
  default EndpointFilter or(EndpointFilter other) {
    if (other == NONE) {
      return this;
    }
    if (this == NONE) {
      return other;
    }
    return endpoint -> excludes(endpoint) || other.excludes(endpoint);
  }
}
