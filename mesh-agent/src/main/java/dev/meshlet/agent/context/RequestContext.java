package dev.meshlet.agent.context;

import dev.meshlet.routing.MeshHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What an inbound request passes on to the outbound calls made while serving it: the headers to
 * propagate and the absolute deadline. Immutable.
 *
 * @param headers the headers to copy onto outbound calls, names in lower case (see {@link
 *     #PROPAGATED_HEADERS}); when {@code trace} is set, its trace headers are written from it instead
 * @param deadline when the caller stops waiting, or null when it set no deadline
 * @param trace the OpenTelemetry context of the server span, or null when no span was started; an
 *     outbound call's trace headers are then the child of that span, not a copy of the inbound ones
 */
public record RequestContext(
    Map<String, String> headers, @Nullable Instant deadline, io.opentelemetry.context.@Nullable Context trace) {

  /**
   * The inbound headers passed on: W3C trace context and baggage, B3 (single and multi), Envoy's
   * request id and the OpenTracing span context Istio's docs list for header forwarding.
   */
  public static final List<String> PROPAGATED_HEADERS = List.of(
      "traceparent", "tracestate", "baggage",
      "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
      "x-request-id", "x-ot-span-context");

  /** Longer than any real deadline, shorter than an overflow: a header above it is treated as no deadline. */
  static final long MAX_DEADLINE_MS = Duration.ofDays(365).toMillis();

  /** A request with nothing to pass on. */
  public static final RequestContext EMPTY = new RequestContext(Map.of(), null, null);

  public RequestContext {
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "header name").toLowerCase(Locale.ROOT),
        Objects.requireNonNull(v, "header value")));
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * The context of an inbound request: its {@link #PROPAGATED_HEADERS} read through {@code header}
   * (a lookup by name, case-insensitive as HTTP's), and its deadline from {@link
   * MeshHeaders#DEADLINE_MS} counted from {@code clock}'s now. A deadline header that is not a
   * whole number of milliseconds (or is negative) is ignored, as a malformed {@code grpc-timeout}
   * is.
   */
  public static RequestContext fromHeaders(Function<String, @Nullable String> header, Clock clock) {
    Map<String, String> found = new LinkedHashMap<>();
    for (String name : PROPAGATED_HEADERS) {
      String value = header.apply(name);
      if (value != null) {
        found.put(name, value);
      }
    }
    Instant deadline = null;
    String ms = header.apply(MeshHeaders.DEADLINE_MS);
    if (ms != null) {
      long millis = parseMillis(ms.trim());
      if (millis >= 0) {
        deadline = clock.instant().plusMillis(millis);
      }
    }
    return new RequestContext(found, deadline, null);
  }

  private static long parseMillis(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    long v = Long.parseLong(s);
    return v > MAX_DEADLINE_MS ? -1 : v;
  }

  /** This context with its deadline set to {@code deadline} (null: none). */
  public RequestContext withDeadline(@Nullable Instant deadline) {
    return new RequestContext(headers, deadline, trace);
  }

  /** This context whose outbound trace headers come from {@code trace} (the server span's context). */
  public RequestContext withTrace(io.opentelemetry.context.@Nullable Context trace) {
    return new RequestContext(headers, deadline, trace);
  }

  /** The time left until the deadline at {@code clock}'s now (negative once passed), or null without a deadline. */
  public @Nullable Duration remaining(Clock clock) {
    return deadline == null ? null : Duration.between(clock.instant(), deadline);
  }

  /** {@code task} run with this context as the current one, for work handed to another thread. */
  public Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      try (RequestScope ignored = RequestScope.open(this)) {
        task.run();
      }
    };
  }
}
