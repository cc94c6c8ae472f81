package dev.meshlet.routing;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A call the mesh failed, and why: Envoy's response flag, the host asked for, the route that
 * matched and the destination chosen (where they were known). It is an {@link IOException} so
 * that OkHttp hands it to the caller as it would a network failure.
 */
public final class MeshCallException extends IOException {
  private static final long serialVersionUID = 1L;

  private final ResponseFlag flag;
  private final String host;
  private final @Nullable String route;
  private final @Nullable String destination;

  public MeshCallException(
      ResponseFlag flag, String host, @Nullable String route, @Nullable String destination, String reason,
      @Nullable Throwable cause) {
    super(describe(flag, host, route, destination, reason), cause);
    this.flag = flag;
    this.host = host;
    this.route = route;
    this.destination = destination;
  }

  private static String describe(
      ResponseFlag flag, String host, @Nullable String route, @Nullable String destination, String reason) {
    StringBuilder sb = new StringBuilder().append(flag.name()).append(" (").append(flag.description())
        .append("): ").append(reason).append(" [host=").append(host);
    if (route != null) {
      sb.append(", route=").append(route);
    }
    if (destination != null) {
      sb.append(", destination=").append(destination);
    }
    return sb.append(']').toString();
  }

  public ResponseFlag flag() {
    return flag;
  }

  /** The authority the application called. */
  public String host() {
    return host;
  }

  /** The route that matched ({@code reviews.default/v2-route} or {@code reviews.default/http[1]}), or null. */
  public @Nullable String route() {
    return route;
  }

  /** The destination chosen ({@code reviews.default.svc.cluster.local|v2|9080}), or null. */
  public @Nullable String destination() {
    return destination;
  }
}
