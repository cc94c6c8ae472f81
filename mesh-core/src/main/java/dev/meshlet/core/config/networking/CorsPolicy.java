package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The cross-origin resource sharing policy of an HTTP route.
 *
 * @param allowOrigin deprecated by Istio in favour of {@code allowOrigins}
 * @param unmatchedPreflights what to do with a preflight request whose origin is not allowed
 */
public record CorsPolicy(
    List<String> allowOrigin,
    List<StringMatch> allowOrigins,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    @Nullable Duration maxAge,
    @Nullable Boolean allowCredentials,
    @Nullable UnmatchedPreflights unmatchedPreflights) {

  public CorsPolicy {
    allowOrigin = Copies.list(allowOrigin);
    allowOrigins = Copies.list(allowOrigins);
    allowMethods = Copies.list(allowMethods);
    allowHeaders = Copies.list(allowHeaders);
    exposeHeaders = Copies.list(exposeHeaders);
  }

  /** The handling of preflight requests that do not match the policy. */
  public enum UnmatchedPreflights {
    UNSPECIFIED,
    FORWARD,
    IGNORE
  }
}
