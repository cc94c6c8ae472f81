package dev.meshlet.routing;

import dev.meshlet.routing.outlier.OutlierEvent;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where telemetry hears of each outbound call and each attempt of it. Called on the caller's
 * thread after the fact; it must be quick and must not throw (what it throws is dropped).
 */
public interface MeshCallListener {
  /** A listener that records nothing. */
  MeshCallListener NONE = new MeshCallListener() {};

  /** One try toward one endpoint; a call with retries has several. */
  default void onAttempt(Attempt attempt) {}

  /** The whole call, as the application saw it. */
  default void onCall(Call call) {}

  /** Outlier detection ejected an endpoint of {@code destination}, skipped an ejection, or let one return. */
  default void onOutlierEvent(String destination, OutlierEvent event) {}

  /**
   * One try.
   *
   * @param host the authority called
   * @param route the route's display name, or null when none matched
   * @param destination the cluster ({@code fqdn|subset|port}), or null
   * @param endpoint {@code address:port}, or null when none was picked
   * @param number 1 for the first try, 2 for the first retry...
   * @param status the HTTP status, or 0 when no response came
   * @param failure what went wrong without a response, or null
   */
  record Attempt(
      String host, @Nullable String route, @Nullable String destination, @Nullable String endpoint, int number,
      int status, @Nullable Throwable failure, Duration duration) {}

  /**
   * One call.
   *
   * @param host the authority called
   * @param route the route's display name, or null when none matched or the host is unknown
   * @param destination the cluster of the last attempt, or null
   * @param status the HTTP status given to the application, or 0 when it got an exception
   * @param flags Envoy's response flags the mesh set
   * @param attempts how many tries were made (0 for a fault abort, a redirect or a direct response)
   */
  record Call(
      String host, @Nullable String route, @Nullable String destination, int status, Set<ResponseFlag> flags,
      int attempts, Duration duration) {
    public Call {
      flags = Set.copyOf(flags);
    }
  }
}
