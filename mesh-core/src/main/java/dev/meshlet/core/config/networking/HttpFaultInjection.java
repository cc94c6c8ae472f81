package dev.meshlet.core.config.networking;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Faults an HTTP route injects into a share of its requests: a delay, an abort, or both. */
public record HttpFaultInjection(@Nullable Delay delay, @Nullable Abort abort) {

  /**
   * Delays a share of requests before forwarding them.
   *
   * @param exponentialDelay not implemented by Istio either (its validation refuses it)
   * @param percent deprecated integer percentage, superseded by {@code percentage}
   */
  public record Delay(
      @Nullable Duration fixedDelay,
      @Nullable Duration exponentialDelay,
      @Nullable Integer percent,
      @Nullable Percent percentage) {}

  /**
   * Answers a share of requests with an error instead of forwarding them.
   *
   * @param httpStatus the HTTP status to answer with
   * @param grpcStatus the gRPC status name (e.g. {@code UNAVAILABLE}) to answer with
   * @param http2Error not implemented by Istio
   */
  public record Abort(
      @Nullable Integer httpStatus,
      @Nullable String grpcStatus,
      @Nullable String http2Error,
      @Nullable Percent percentage) {}
}
