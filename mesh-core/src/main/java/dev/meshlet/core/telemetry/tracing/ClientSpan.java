package dev.meshlet.core.telemetry.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.function.BiConsumer;

/**
 * The span of one attempt of an outbound call. End it once, with the status code the attempt
 * got (0 when none came) or the error that ended it; a 4xx or 5xx, or an error, marks it failed
 * with {@code error.type}, as the conventions say for a client.
 */
public final class ClientSpan {
  private final Span span;
  private final Context context;
  private final TracePropagation propagation;

  ClientSpan(Span span, Context parent, TracePropagation propagation) {
    this.span = span;
    this.context = parent.with(span);
    this.propagation = propagation;
  }

  /** The span. */
  public Span span() {
    return span;
  }

  /** The parent context with this span in it. */
  public Context context() {
    return context;
  }

  /** The trace id, 32 hex digits, for the access log. */
  public String traceId() {
    return span.getSpanContext().getTraceId();
  }

  /** Writes this attempt's trace context and baggage as request headers. */
  public void inject(BiConsumer<String, String> setHeader) {
    propagation.inject(context, setHeader);
  }

  /** The address and port this attempt connected to ({@code network.peer.*}): the endpoint picked. */
  public ClientSpan peer(String address, int port) {
    span.setAttribute(HttpAttributes.NETWORK_PEER_ADDRESS, address);
    span.setAttribute(HttpAttributes.NETWORK_PEER_PORT, HttpAttributes.boxed(port));
    return this;
  }

  /** The protocol version the response came in ({@code 1.1}, {@code 2}). */
  public ClientSpan protocolVersion(String version) {
    span.setAttribute(HttpAttributes.NETWORK_PROTOCOL_VERSION, version);
    return this;
  }

  /** Envoy's response flags and the cluster of the attempt, as Envoy tags its spans. */
  public ClientSpan upstream(String cluster, String responseFlags) {
    span.setAttribute(HttpAttributes.UPSTREAM_CLUSTER, cluster);
    if (!"-".equals(responseFlags)) {
      span.setAttribute(HttpAttributes.RESPONSE_FLAGS, responseFlags);
    }
    return this;
  }

  /** Ends the span with the response's status code. */
  public void end(int statusCode) {
    SpanEnds.answered(span, statusCode, 400);
  }

  /** Ends the span of an attempt that failed with {@code error} (a timeout, a refused connection). */
  public void end(int statusCode, Throwable error) {
    SpanEnds.failed(span, statusCode, error.getClass().getName(), error);
  }

  /**
   * Ends the span of an attempt that failed for a reason named by {@code errorType}, a
   * low-cardinality value such as {@code timeout} or Envoy's flag {@code UF}.
   */
  public void endWithErrorType(int statusCode, String errorType) {
    SpanEnds.failed(span, statusCode, errorType, null);
  }
}
