package dev.meshlet.core.telemetry.tracing;

/** A header format that carries trace context or baggage between services. */
public enum PropagationFormat {
  /** W3C Trace Context: {@code traceparent} and {@code tracestate}. */
  W3C_TRACE_CONTEXT,
  /** W3C Baggage: {@code baggage}. */
  W3C_BAGGAGE,
  /** Zipkin's B3, one header: {@code b3: {traceid}-{spanid}-{sampled}}. */
  B3_SINGLE,
  /** Zipkin's B3, several headers: {@code X-B3-TraceId}, {@code X-B3-SpanId}, {@code X-B3-Sampled}; what Envoy writes. */
  B3_MULTI
}
