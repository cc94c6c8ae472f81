package dev.meshlet.routing;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.outlier.OutlierEvent;
import java.time.Duration;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Where telemetry hears of each outbound call and each attempt of it. Called on the caller's
 * thread; it must be quick and must not throw (what it throws is dropped).
 */
public interface MeshCallListener {
  /** A listener that records nothing. */
  MeshCallListener NONE = new MeshCallListener() {};

  /**
   * An attempt is about to be sent to its endpoint: the listener may set headers on it (a trace
   * context of its own, so the server's span is the child of this attempt's) and returns what
   * hears how the attempt ended. Called before {@link #onAttempt}, once per try, passthrough
   * calls included.
   */
  default AttemptObserver startAttempt(AttemptStart start, Request.Builder request) {
    return AttemptObserver.NONE;
  }

  /** One try toward one endpoint; a call with retries has several. */
  default void onAttempt(Attempt attempt) {}

  /** The whole call, as the application saw it. */
  default void onCall(Call call) {}

  /** Outlier detection ejected an endpoint of {@code destination}, skipped an ejection, or let one return. */
  default void onOutlierEvent(String destination, OutlierEvent event) {}

  /** Hears how one attempt ended. */
  @FunctionalInterface
  interface AttemptObserver {
    AttemptObserver NONE = (status, failure, response) -> {};

    /**
     * @param status the HTTP status, or 0 when no response came
     * @param failure what went wrong without a response, or null
     * @param response the response (its headers and TLS handshake; the body is the caller's), or null
     */
    void ended(int status, @Nullable Throwable failure, @Nullable Response response);
  }

  /**
   * One try, as it starts.
   *
   * @param host the authority called
   * @param route the route's display name, or null for a passthrough call
   * @param destination the cluster, or null for a passthrough call
   * @param endpoint the endpoint picked (its address, and the workload it belongs to), or null
   *     when the call goes to the host asked for (passthrough, original destination)
   * @param number 1 for the first try, 2 for the first retry...
   * @param request the application's request (its URL before the endpoint replaced the host, and
   *     the tags its interceptors attached)
   * @param sentHeaders the headers the attempt's builder starts with: the request's as routing
   *     edited them (the builder adds only {@code Host} and the mesh's deadline), so a listener
   *     knows which of the headers it writes are there already without building the request
   */
  record AttemptStart(
      String host, @Nullable String route, @Nullable String destination, @Nullable Endpoint endpoint, int number,
      Request request, Headers sentHeaders) {

    /** An attempt whose builder starts from the application's request as it is. */
    public AttemptStart(
        String host, @Nullable String route, @Nullable String destination, @Nullable Endpoint endpoint, int number,
        Request request) {
      this(host, route, destination, endpoint, number, request, request.headers());
    }
  }

  /**
   * One try, after the fact.
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
   * @param request the application's request (with the tags its interceptors attached)
   */
  record Call(
      String host, @Nullable String route, @Nullable String destination, int status, Set<ResponseFlag> flags,
      int attempts, Duration duration, Request request) {
    public Call {
      flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags); // most calls have none: no copy
    }
  }
}
