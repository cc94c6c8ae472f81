package dev.meshlet.core.telemetry.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The span of one inbound request. Make it current around the application's handler so that
 * the handler's outbound calls are its children; end it once with the status sent. Only a 5xx
 * or an error marks it failed: a 4xx is the client's fault, as the conventions say for a server.
 */
public final class ServerSpan {
  private final Span span;
  private final Context context;

  ServerSpan(Span span, Context context) {
    this.span = span;
    this.context = context;
  }

  /** The span. */
  public Span span() {
    return span;
  }

  /** The extracted context with this span in it. */
  public Context context() {
    return context;
  }

  /** The trace id, 32 hex digits, for the access log. */
  public String traceId() {
    return span.getSpanContext().getTraceId();
  }

  /** Makes this span's context current until the scope closes. */
  public Scope makeCurrent() {
    return context.makeCurrent();
  }

  /** Ends the span with the status sent. */
  public void end(int statusCode) {
    if (!span.isRecording()) {
      // Not sampled: attributes would be dropped, so build none.
      span.end();
      return;
    }
    SpanEnds.answered(span, statusCode, 500);
  }

  /** Ends the span of a request whose handling failed with {@code error}. */
  public void end(int statusCode, Throwable error) {
    SpanEnds.failed(span, statusCode, error.getClass().getName(), error);
  }
}
