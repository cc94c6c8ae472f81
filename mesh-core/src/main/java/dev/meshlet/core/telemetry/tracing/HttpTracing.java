package dev.meshlet.core.telemetry.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Starts the spans of HTTP calls on the user's {@link OpenTelemetry}, named and attributed as
 * OpenTelemetry's HTTP semantic conventions say.
 *
 * <p>A client span stands for one attempt: the first attempt and each retry get their own span,
 * siblings under the caller's span, a retry carrying {@code http.request.resend_count} (the
 * conventions' "HTTP client retries" example). Each attempt propagates its own span, so the
 * server's span is the child of the attempt that reached it. A client span is named by the
 * method ({@code GET}); a server span by the method and the route template when the adapter
 * knows one ({@code GET /reviews/{id}}), else by the method alone.
 */
public final class HttpTracing {
  /** The instrumentation scope name of Meshlet's spans. */
  public static final String INSTRUMENTATION_NAME = "dev.meshlet";

  private final Tracer tracer;
  private final TracePropagation propagation;

  private HttpTracing(Tracer tracer, TracePropagation propagation) {
    this.tracer = tracer;
    this.propagation = propagation;
  }

  /** Tracing on {@code openTelemetry}, propagating as {@code propagation} says. */
  public static HttpTracing create(OpenTelemetry openTelemetry, TracePropagation propagation) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Objects.requireNonNull(propagation, "propagation");
    return new HttpTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME), propagation);
  }

  /** The propagation these spans use. */
  public TracePropagation propagation() {
    return propagation;
  }

  /**
   * Starts the client span of one attempt, as a child of the span in {@code parent} (usually
   * {@link Context#current()}). Inject its context with {@link ClientSpan#inject}: an unsampled
   * span still carries its trace on.
   */
  public ClientSpan startClient(Context parent, ClientRequestInfo request) {
    return new ClientSpan(attributed(clientSpan(parent, request).startSpan(), request), parent, propagation);
  }

  /**
   * Starts, after the fact, the client span of a call that began at {@code start} and made no
   * attempt (a fault abort, a direct response, no route): it still shows in the trace.
   */
  public ClientSpan startClient(Context parent, ClientRequestInfo request, java.time.Instant start) {
    return new ClientSpan(attributed(clientSpan(parent, request).setStartTimestamp(start).startSpan(), request), parent,
        propagation);
  }

  /**
   * The sampler decides first, on the name, kind and parent: most client spans are not sampled
   * (Istio samples 1%), and an unsampled span would drop its attributes, so they are built only
   * for a span that records. (A sampler that reads HTTP attributes no longer sees them; the SDK's
   * ratio and parent-based samplers, and Istio's, do not read them.)
   */
  private SpanBuilder clientSpan(Context parent, ClientRequestInfo request) {
    String method = method(request.method());
    return tracer
        .spanBuilder(HttpAttributes.OTHER_METHOD.equals(method) ? "HTTP" : method)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent);
  }

  private static Span attributed(Span span, ClientRequestInfo request) {
    if (!span.isRecording()) {
      return span;
    }
    String method = method(request.method());
    span.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method);
    span.setAttribute(HttpAttributes.URL_FULL, request.url());
    span.setAttribute(HttpAttributes.SERVER_ADDRESS, request.serverAddress());
    if (HttpAttributes.OTHER_METHOD.equals(method)) {
      span.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, request.method());
    }
    if (request.serverPort() > 0) {
      span.setAttribute(HttpAttributes.SERVER_PORT, HttpAttributes.boxed(request.serverPort()));
    }
    if (request.resendCount() > 0) {
      span.setAttribute(HttpAttributes.HTTP_REQUEST_RESEND_COUNT, HttpAttributes.boxed(request.resendCount()));
    }
    return span;
  }

  /**
   * Starts the server span of an inbound request, continuing the trace its headers carry in any
   * format this propagation reads (or a new trace when they carry none).
   */
  public ServerSpan startServer(Function<String, @Nullable String> header, ServerRequestInfo request) {
    return startServer(propagation.extract(Context.root(), header), request);
  }

  /**
   * The same as {@link #startServer(Function, ServerRequestInfo)} from the request's trace headers
   * read already into a map keyed by lower-case names: reads only the formats that came (see
   * {@link TracePropagation#extractLowerCase}).
   */
  public ServerSpan startServer(java.util.Map<String, String> lowerCaseHeaders, ServerRequestInfo request) {
    return startServer(propagation.extractLowerCase(Context.root(), lowerCaseHeaders), request);
  }

  /** Starts the server span of an inbound request as a child of the span in {@code parent}. */
  public ServerSpan startServer(Context parent, ServerRequestInfo request) {
    // The method is looked up once: it decides the name, the attribute and the original's.
    boolean known = HttpAttributes.KNOWN_METHODS.contains(request.method());
    String method = known ? request.method() : HttpAttributes.OTHER_METHOD;
    String base = known ? method : "HTTP";
    String name = request.route() == null ? base : base + " " + request.route();
    SpanBuilder b =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
            .setAttribute(HttpAttributes.URL_PATH, request.path())
            .setAttribute(HttpAttributes.URL_SCHEME, request.scheme());
    if (!known) {
      b.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, request.method());
    }
    setIfPresent(b, HttpAttributes.URL_QUERY, request.query());
    setIfPresent(b, HttpAttributes.HTTP_ROUTE, request.route());
    setIfPresent(b, HttpAttributes.SERVER_ADDRESS, request.serverAddress());
    if (request.serverPort() > 0) {
      b.setAttribute(HttpAttributes.SERVER_PORT, HttpAttributes.boxed(request.serverPort()));
    }
    setIfPresent(b, HttpAttributes.CLIENT_ADDRESS, request.clientAddress());
    setIfPresent(b, HttpAttributes.USER_AGENT_ORIGINAL, request.userAgent());
    setIfPresent(b, HttpAttributes.NETWORK_PROTOCOL_VERSION, request.protocolVersion());
    Span span = b.startSpan();
    return new ServerSpan(span, parent.with(span));
  }

  private static void setIfPresent(
      SpanBuilder b, io.opentelemetry.api.common.AttributeKey<String> key, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      b.setAttribute(key, value);
    }
  }

  static String method(String method) {
    return HttpAttributes.KNOWN_METHODS.contains(method) ? method : HttpAttributes.OTHER_METHOD;
  }
}
