package dev.meshlet.core.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpTracingTest {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
          .build();
  final HttpTracing tracing = HttpTracing.create(otel, TracePropagation.ofDefaults());

  @AfterEach
  void close() {
    otel.close();
  }

  static ClientRequestInfo getReview() {
    return new ClientRequestInfo("GET", "http://10.0.0.7:9080/reviews/0", "reviews", 9080, 0);
  }

  static ServerRequestInfo reviewAt(String route) {
    return new ServerRequestInfo(
        "GET", "http", "/reviews/0", "lang=en", route, "reviews", 9080, "10.0.0.5", "okhttp/5.5.1", "1.1");
  }

  SpanData span(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
  }

  @Test
  void aClientSpanCarriesTheSemanticConventionsAttributes() {
    ClientSpan attempt = tracing.startClient(Context.root(), getReview());
    attempt.protocolVersion("1.1");
    attempt.end(200);

    SpanData s = span("GET");
    assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(s.getInstrumentationScopeInfo().getName()).isEqualTo("dev.meshlet");
    assertThat(s.getAttributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                AttributeKey.stringKey("http.request.method"), "GET",
                AttributeKey.stringKey("url.full"), "http://10.0.0.7:9080/reviews/0",
                AttributeKey.stringKey("server.address"), "reviews",
                AttributeKey.longKey("server.port"), 9080L,
                AttributeKey.stringKey("network.protocol.version"), "1.1",
                AttributeKey.longKey("http.response.status_code"), 200L));
    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void anUnsampledClientSpanStillCarriesItsTraceDownstreamInEveryFormat() {
    InMemorySpanExporter unsampledExporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk none = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0)))
            .addSpanProcessor(SimpleSpanProcessor.create(unsampledExporter)).build())
        .build()) {
      HttpTracing unsampled = HttpTracing.create(none, TracePropagation.ofDefaults());
      ClientSpan attempt = unsampled.startClient(Context.root(), getReview());
      Map<String, String> wire = new LinkedHashMap<>();
      attempt.inject(wire::put);
      attempt.end(200);

      String traceId = attempt.traceId();
      assertThat(attempt.span().isRecording()).isFalse();
      assertThat(traceId).hasSize(32).isNotEqualTo("00000000000000000000000000000000");
      // The flags say "not sampled" (the SDK may add its random-trace-id bit, 02).
      assertThat(wire.get("traceparent"))
          .matches("00-" + traceId + "-" + attempt.span().getSpanContext().getSpanId() + "-0[02]");
      assertThat(wire).containsEntry("x-b3-traceid", traceId).containsEntry("x-b3-sampled", "0");
      // The server continues the same trace, unsampled too, and nothing was exported.
      ServerSpan server = unsampled.startServer(TracePropagation.ignoringCase(wire), reviewAt("/reviews/{id}"));
      assertThat(server.span().getSpanContext().getTraceId()).isEqualTo(traceId);
      assertThat(server.span().getSpanContext().isSampled()).isFalse();
      assertThat(unsampledExporter.getFinishedSpanItems()).isEmpty();
    }
  }

  @Test
  void eachRetryIsASiblingClientSpanWithItsResendCount() {
    Span app = otel.getTracer("app").spanBuilder("app").startSpan();
    Context parent = Context.root().with(app);

    ClientSpan first = tracing.startClient(parent, getReview());
    first.end(503);
    ClientSpan second = tracing.startClient(parent, getReview().retry("http://10.0.0.8:9080/reviews/0"));
    second.end(200);
    app.end();

    List<SpanData> attempts =
        exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    assertThat(attempts).hasSize(2);
    assertThat(attempts).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(app.getSpanContext().getSpanId()));
    assertThat(attempts).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(app.getSpanContext().getTraceId()));
    assertThat(attempts.get(0).getAttributes().get(HttpAttributes.HTTP_REQUEST_RESEND_COUNT)).isNull();
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempts.get(0).getAttributes().get(HttpAttributes.ERROR_TYPE)).isEqualTo("503");
    assertThat(attempts.get(1).getAttributes().get(HttpAttributes.HTTP_REQUEST_RESEND_COUNT)).isEqualTo(1L);
    assertThat(attempts.get(1).getAttributes().get(HttpAttributes.URL_FULL))
        .isEqualTo("http://10.0.0.8:9080/reviews/0");
  }

  @Test
  void theServerSpanIsTheChildOfTheAttemptThatReachedIt() {
    ClientSpan attempt = tracing.startClient(Context.root(), getReview());
    Map<String, String> wire = new LinkedHashMap<>();
    attempt.inject(wire::put);

    ServerSpan server = tracing.startServer(TracePropagation.ignoringCase(wire), reviewAt("/reviews/{id}"));
    Scope scope = server.makeCurrent();
    try {
      assertThat(Span.current().getSpanContext()).isEqualTo(server.span().getSpanContext());
    } finally {
      scope.close();
    }
    server.end(200);
    attempt.end(200);

    SpanData s = span("GET /reviews/{id}");
    SpanData c = span("GET");
    assertThat(s.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(s.getTraceId()).isEqualTo(c.getTraceId()).isEqualTo(attempt.traceId());
    assertThat(s.getParentSpanId()).isEqualTo(c.getSpanId());
    assertThat(s.getParentSpanContext().isRemote()).isTrue();
    assertThat(s.getAttributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("http.request.method"), "GET"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("url.path"), "/reviews/0"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("url.query"), "lang=en"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("url.scheme"), "http"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("http.route"), "/reviews/{id}"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("server.address"), "reviews"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.longKey("server.port"), 9080L),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("client.address"), "10.0.0.5"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("user_agent.original"), "okhttp/5.5.1"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.stringKey("network.protocol.version"), "1.1"),
                Map.<AttributeKey<?>, Object>entry(AttributeKey.longKey("http.response.status_code"), 200L)));
  }

  @Test
  void aServerSpanWithoutARouteIsNamedByTheMethodAndWithoutTraceHeadersStartsATrace() {
    ServerSpan server = tracing.startServer(name -> null, reviewAt(null));
    server.end(200);

    SpanData s = span("GET");
    assertThat(s.getParentSpanContext().isValid()).isFalse();
    assertThat(s.getAttributes().get(HttpAttributes.HTTP_ROUTE)).isNull();
  }

  @Test
  void aServerReportsOnlyServerErrorsAsErrorsAndAClientBoth() {
    tracing.startServer(Context.root(), reviewAt("/a")).end(404);
    tracing.startServer(Context.root(), reviewAt("/b")).end(503);
    tracing.startClient(Context.root(), new ClientRequestInfo("POST", "http://x/", "x", -1, 0)).end(404);

    assertThat(span("GET /a").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span("GET /a").getAttributes().get(HttpAttributes.ERROR_TYPE)).isNull();
    assertThat(span("GET /b").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span("GET /b").getAttributes().get(HttpAttributes.ERROR_TYPE)).isEqualTo("503");
    assertThat(span("POST").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span("POST").getAttributes().get(HttpAttributes.SERVER_PORT)).isNull();
  }

  @Test
  void anAttemptThatFailedWithoutAResponseNamesItsErrorType() {
    tracing.startClient(Context.root(), getReview()).end(0, new SocketTimeoutException("timeout"));
    tracing.startClient(Context.root(), getReview()).endWithErrorType(0, "UF");

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans.get(0).getAttributes().get(HttpAttributes.ERROR_TYPE))
        .isEqualTo("java.net.SocketTimeoutException");
    assertThat(spans.get(0).getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isNull();
    assertThat(spans.get(0).getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    assertThat(spans.get(1).getAttributes().get(HttpAttributes.ERROR_TYPE)).isEqualTo("UF");
    assertThat(spans).allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void anUnknownMethodIsReportedAsOther() {
    tracing.startClient(Context.root(), new ClientRequestInfo("PURGE", "http://x/", "x", 80, 0)).end(200);

    SpanData s = span("HTTP");
    assertThat(s.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD)).isEqualTo("_OTHER");
    assertThat(s.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL)).isEqualTo("PURGE");
  }

  @Test
  void flagsAndClusterAreTaggedAsEnvoyTagsThem() throws IOException {
    tracing.startClient(Context.root(), getReview())
        .upstream("outbound|9080|v2|reviews.default.svc.cluster.local", "UF,URX")
        .endWithErrorType(503, "UF");

    SpanData s = span("GET");
    assertThat(s.getAttributes().get(HttpAttributes.UPSTREAM_CLUSTER))
        .isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(s.getAttributes().get(HttpAttributes.RESPONSE_FLAGS)).isEqualTo("UF,URX");
  }
}
