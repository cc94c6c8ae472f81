package dev.meshlet.agent.context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The scope of one inbound request while the application's handler runs on a thread: the trace
 * context headers it arrived with (or the server span's, when telemetry made one) and its absolute
 * deadline, so that outbound calls made from the handler carry them on without the user copying
 * headers. Istio asks applications to forward these headers by hand; in process the mesh does it.
 *
 * <p>A scope is opened by a server adapter and closed in a {@code finally}; scopes nest, and
 * closing one restores the one it replaced. Code that hands work to another thread takes
 * {@link #current()} along and {@link #attach() attaches} it there.
 */
public final class RequestScope implements AutoCloseable {

  /**
   * The headers a scope carries, lower case: W3C trace context and baggage, B3 (single and
   * multi-header), and Envoy's request id.
   */
  public static final List<String> PROPAGATED_HEADERS = List.of(
      "traceparent", "tracestate", "baggage",
      "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
      "x-request-id");

  // The one piece of per-thread state: which request this thread is serving. Not configuration.
  private static final ThreadLocal<@Nullable RequestScope> CURRENT = new ThreadLocal<>();

  private final Map<String, String> headers;
  private final @Nullable Instant deadline;
  private @Nullable RequestScope previous;
  private boolean attached;

  private RequestScope(Map<String, String> headers, @Nullable Instant deadline) {
    this.headers = headers;
    this.deadline = deadline;
  }

  /**
   * A scope that is not attached to any thread yet.
   *
   * @param headers propagation headers, lower-case names (other names are dropped)
   * @param deadline when the caller stops waiting, or null when it set no deadline
   */
  public static RequestScope of(Map<String, String> headers, @Nullable Instant deadline) {
    Objects.requireNonNull(headers, "headers");
    if (headers instanceof PropagatedHeaders) {
      // The inbound chain's: immutable and holding only propagated headers already.
      return new RequestScope(headers, deadline);
    }
    int present = 0;
    for (String name : PROPAGATED_HEADERS) {
      if (headers.get(name) != null) {
        present++;
      }
    }
    if (present == headers.size()) {
      // Only propagated headers: Map.copyOf hands back a map that is immutable already (the
      // inbound chain's) without copying, so the common request allocates no map here.
      return new RequestScope(Map.copyOf(headers), deadline);
    }
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : PROPAGATED_HEADERS) {
      String value = headers.get(name);
      if (value != null) {
        kept.put(name, value);
      }
    }
    return new RequestScope(Map.copyOf(kept), deadline);
  }

  /** Reads the propagation headers of a request through {@code header} (a lower-case name in, a value or null out). */
  public static RequestScope fromHeaders(Function<String, @Nullable String> header, @Nullable Instant deadline) {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : PROPAGATED_HEADERS) {
      String value = header.apply(name);
      if (value != null) {
        kept.put(name, value);
      }
    }
    return new RequestScope(Map.copyOf(kept), deadline);
  }

  /** Makes a new scope current on this thread until {@link #close()}. */
  public static RequestScope open(Map<String, String> headers, @Nullable Instant deadline) {
    return of(headers, deadline).attach();
  }

  /** The scope of the request this thread is serving, if any. */
  public static Optional<RequestScope> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Makes this scope current on the calling thread (another thread than the one that opened it,
   * when work is handed on), until {@link #close()}.
   *
   * @throws IllegalStateException when this scope is already attached
   */
  public RequestScope attach() {
    if (attached) {
      throw new IllegalStateException("RequestScope: already attached to a thread (expected: attach once, close, then attach again)");
    }
    previous = CURRENT.get();
    attached = true;
    CURRENT.set(this);
    return this;
  }

  /** The propagation headers, lower-case names, only those present on the inbound request. */
  public Map<String, String> headers() {
    return headers;
  }

  /** When the caller stops waiting for the answer, if it said. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * The time left until the deadline as {@code clock} reads it (negative once it passed), or
   * empty without a deadline.
   */
  public Optional<Duration> remaining(Clock clock) {
    return deadline == null ? Optional.empty() : Optional.of(Duration.between(clock.instant(), deadline));
  }

  /** This scope with other propagation headers (telemetry replaces the parent span with its server span). */
  public RequestScope withHeaders(Map<String, String> headers) {
    return of(headers, deadline);
  }

  /** Detaches this scope from the thread and restores the one it replaced. Closing twice does nothing. */
  @Override
  public void close() {
    if (!attached) {
      return;
    }
    attached = false;
    if (CURRENT.get() == this) {
      // set(null), not remove(): the thread's entry stays, so the next request's attach allocates none.
      CURRENT.set(previous);
    }
    previous = null;
  }

  @Override
  public String toString() {
    return "RequestScope{headers=" + headers.keySet() + ", deadline=" + deadline + "}";
  }
}
