package dev.meshlet.core.telemetry.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * How client and server spans end, by the HTTP semantic conventions: the status code, and for an
 * error its {@code error.type} and an ERROR status. Client and server differ only in where an
 * answered status starts to count as an error (4xx for a client, 5xx for a server).
 */
final class SpanEnds {
  private SpanEnds() {}

  /** Ends {@code span} with an answered {@code statusCode}; from {@code errorFrom} on it is an error. */
  static void answered(Span span, int statusCode, int errorFrom) {
    status(span, statusCode);
    if (statusCode >= errorFrom) {
      span.setAttribute(HttpAttributes.ERROR_TYPE, Integer.toString(statusCode));
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /** Ends {@code span} as failed for {@code errorType}, recording {@code error} when there is one. */
  static void failed(Span span, int statusCode, String errorType, @Nullable Throwable error) {
    status(span, statusCode);
    span.setAttribute(HttpAttributes.ERROR_TYPE, errorType);
    if (error != null) {
      span.recordException(error);
    }
    span.setStatus(StatusCode.ERROR);
    span.end();
  }

  private static void status(Span span, int statusCode) {
    if (statusCode > 0) {
      span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, HttpAttributes.boxed(statusCode));
    }
  }
}
