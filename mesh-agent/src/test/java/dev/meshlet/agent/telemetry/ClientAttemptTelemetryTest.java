package dev.meshlet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.tls.testing.MeshHttpsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of a call with retries, against real servers: one client span per attempt,
 * each the parent of what its server received, and Istio's source metrics naming the instance
 * that answered (and, over mutual TLS, the principal its certificate proved).
 */
class ClientAttemptTelemetryTest {
  private static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    tracerProvider.close();
  }

  private static WorkloadInstance instance(String version, int port) {
    return new WorkloadInstance("reviews", "default", "127.0.0.1", Map.of("http", port),
        Map.of("version", version, "security.istio.io/tlsMode", "disabled"), null, null);
  }

  @Test
  void aCallRetriedTwiceGivesThreeAttemptSpansAndMetricsNameTheInstanceThatAnswered() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            retries: {attempts: 2, retryOn: 5xx}
        """);
    try (Instances reviews = new Instances(2, "v1", "v2", "v3");
        Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1"))
            .configDirectory(dir)
            .endpoints(instance("v1", reviews.port(0)), instance("v2", reviews.port(1)), instance("v3", reviews.port(2)))
            .meterRegistry(meters)
            .openTelemetry(otel)
            .build()) {
      Span caller = otel.getTracer("test").spanBuilder("render").startSpan();
      try (Scope ignored = caller.makeCurrent();
          Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      } finally {
        caller.end();
      }

      List<SpanData> attempts = spans.getFinishedSpanItems().stream()
          .filter(s -> s.getKind() == SpanKind.CLIENT)
          .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
          .toList();
      assertThat(attempts).hasSize(3);
      assertThat(attempts).allSatisfy(s -> {
        assertThat(s.getName()).isEqualTo("GET");
        assertThat(s.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
        assertThat(s.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
      });
      assertThat(attempts).extracting(s -> s.getAttributes().get(RESEND_COUNT)).containsExactly(null, 1L, 2L);
      assertThat(attempts).extracting(s -> s.getAttributes().get(STATUS)).containsExactly(503L, 503L, 200L);
      assertThat(attempts).extracting(s -> s.getStatus().getStatusCode())
          .containsExactly(StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET);

      // Each attempt carried its own span as the parent of what its server received.
      List<Instances.Received> received = reviews.received();
      assertThat(received).hasSize(3);
      for (int i = 0; i < 3; i++) {
        SpanData attempt = attempts.get(i);
        assertThat(received.get(i).traceparent())
            .startsWith("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-"); // then the sampled flags
        String version = received.get(i).version();
        int port = reviews.port(List.of("v1", "v2", "v3").indexOf(version));
        assertThat(attempt.getAttributes().get(PEER_PORT)).isEqualTo((long) port);
      }

      // One logical call in the metrics, labelled with the instance that answered 200.
      String answered = received.get(2).version();
      Counter calls = meters.find("istio_requests_total").tag("reporter", "source").counter();
      assertThat(calls).isNotNull();
      assertThat(calls.count()).isEqualTo(1.0);
      assertThat(calls.getId().getTag("destination_workload")).isEqualTo("reviews-" + answered);
      assertThat(calls.getId().getTag("destination_version")).isEqualTo(answered);
      assertThat(calls.getId().getTag("destination_app")).isEqualTo("reviews");
      assertThat(calls.getId().getTag("destination_workload_namespace")).isEqualTo("default");
      assertThat(calls.getId().getTag("destination_service")).isEqualTo("reviews.default.svc.cluster.local");
      assertThat(calls.getId().getTag("destination_principal")).isEqualTo("unknown"); // plaintext
      assertThat(calls.getId().getTag("response_code")).isEqualTo("200");
      assertThat(calls.getId().getTag("source_workload")).isEqualTo("productpage-v1");
      DistributionSummary responseBytes = meters.find("istio_response_bytes").tag("reporter", "source").summary();
      assertThat(responseBytes).isNotNull();
      assertThat(responseBytes.totalAmount()).as("the answering instance's body, \"%s\"", answered).isEqualTo(2.0);
    }
  }

  /** productpage's mesh, with one route to reviews and its one instance (v1). */
  private Mesh oneInstanceMesh(Instances reviews, OpenTelemetrySdk openTelemetry) throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
        """);
    return Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1"))
        .configDirectory(dir)
        .endpoints(instance("v1", reviews.port(0)))
        .meterRegistry(meters)
        .openTelemetry(openTelemetry)
        .build();
  }

  @Test
  void anUnsampledCallStillCarriesItsTraceDownstreamAndCountsInTheMetrics() throws Exception {
    InMemorySpanExporter unsampledSpans = InMemorySpanExporter.create();
    try (SdkTracerProvider unsampled = SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0)))
            .addSpanProcessor(SimpleSpanProcessor.create(unsampledSpans)).build();
        Instances reviews = new Instances(0, "v1");
        Mesh mesh = oneInstanceMesh(reviews, OpenTelemetrySdk.builder().setTracerProvider(unsampled).build())) {
      Span caller = unsampled.get("test").spanBuilder("render").startSpan();
      assertThat(caller.getSpanContext().isSampled()).isFalse();
      try (Scope ignored = caller.makeCurrent();
          Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      } finally {
        caller.end();
      }

      // The server got the caller's trace, marked not sampled, from a span of the attempt's own.
      String traceparent = reviews.received().get(0).traceparent();
      assertThat(traceparent).matches("00-" + caller.getSpanContext().getTraceId() + "-[0-9a-f]{16}-0[02]");
      assertThat(traceparent).doesNotContain(caller.getSpanContext().getSpanId());
      assertThat(unsampledSpans.getFinishedSpanItems()).isEmpty();
      Counter calls = meters.find("istio_requests_total").tag("reporter", "source").counter();
      assertThat(calls).isNotNull();
      assertThat(calls.count()).isEqualTo(1.0);
      assertThat(calls.getId().getTag("destination_workload")).isEqualTo("reviews-v1");
    }
  }

  @Test
  void aSampledAttemptSpanHasItsHttpAttributes() throws Exception {
    try (Instances reviews = new Instances(0, "v1");
        Mesh mesh = oneInstanceMesh(reviews, otel)) {
      try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0?x=1").build())
          .execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      SpanData attempt = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
          .findFirst().orElseThrow();
      assertThat(attempt.getAttributes().asMap()).containsAllEntriesOf(Map.of(
          AttributeKey.stringKey("http.request.method"), "GET",
          AttributeKey.stringKey("url.full"), "http://reviews/reviews/0?x=1",
          AttributeKey.stringKey("server.address"), "reviews",
          AttributeKey.longKey("server.port"), 80L,
          AttributeKey.stringKey("network.peer.address"), "127.0.0.1",
          PEER_PORT, (long) reviews.port(0),
          STATUS, 200L));
      assertThat(attempt.getAttributes().get(AttributeKey.stringKey("upstream_cluster")))
          .isEqualTo("outbound|80||reviews.default.svc.cluster.local");
      assertThat(attempt.getAttributes().get(RESEND_COUNT)).isNull();
    }
  }

  @Test
  void aPassthroughCallGetsAnAttemptSpanAndACallWithoutAttemptStillShows() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
            route: [{destination: {host: reviews}}]
        """);
    try (Instances outside = new Instances(0, "x");
        Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage"))
            .configDirectory(dir)
            .endpoint("reviews", "127.0.0.1", outside.port(0))
            .meterRegistry(meters)
            .openTelemetry(otel)
            .build()) {
      // A host the mesh does not know goes out as asked (ALLOW_ANY), as one attempt.
      try (Response r = mesh.httpClient().newCall(new Request.Builder()
          .url("http://127.0.0.1:" + outside.port(0) + "/x").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      SpanData passthrough = spans.getFinishedSpanItems().get(0);
      assertThat(passthrough.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(outside.received().get(0).traceparent())
          .startsWith("00-" + passthrough.getTraceId() + "-" + passthrough.getSpanId() + "-");
      spans.reset();

      // The fault aborts before any attempt: one span for the call, failed with the flag.
      try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/").build()).execute()) {
        assertThat(r.code()).isEqualTo(503);
      }
      assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(s -> {
        assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(s.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("FI");
        assertThat(s.getAttributes().get(STATUS)).isEqualTo(503L);
      });
      assertThat(outside.received()).hasSize(1);
    }
  }

  @Test
  void overMutualTlsTheDestinationPrincipalIsTheOneTheServersCertificateProved(@TempDir Path ca) throws Exception {
    try (Mesh server = Mesh.builder(ServiceIdentity.of("reviews")).caDirectory(ca).build();
        MeshHttpsServer https = MeshHttpsServer.start(server.certificates().orElseThrow().sslContext());
        Mesh caller = Mesh.builder(ServiceIdentity.of("productpage")).caDirectory(ca)
            .endpoints(new WorkloadInstance("reviews", "default", "127.0.0.1", Map.of("http", https.port()),
                Map.of("version", "v2"), "reviews", null))
            .meterRegistry(meters)
            .build();
        Response r = caller.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      Counter calls = meters.find("istio_requests_total").tag("reporter", "source").counter();
      assertThat(calls).isNotNull();
      assertThat(calls.getId().getTag("destination_principal")).isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
      assertThat(calls.getId().getTag("destination_workload")).isEqualTo("reviews-v2");
    }
  }
}
