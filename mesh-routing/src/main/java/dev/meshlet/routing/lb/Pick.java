package dev.meshlet.routing.lb;

import dev.meshlet.routing.endpoint.Endpoint;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of a load-balancing pick: the endpoint, and a {@code Set-Cookie} header value the
 * caller must add to the response when a consistent-hash cookie was generated for this request.
 *
 * @param endpoint the chosen endpoint
 * @param setCookie the value of a {@code Set-Cookie} response header, or null when none is due
 */
public record Pick(Endpoint endpoint, @Nullable String setCookie) {
  public Pick {
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
