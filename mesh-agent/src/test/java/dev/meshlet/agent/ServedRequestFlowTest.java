package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.routing.MeshCallException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real inbound request, served through the JDK server adapter, hands its trace context and
 * deadline to the outbound calls its handler makes; both directions are recorded as Istio does.
 */
class ServedRequestFlowTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Upstream reviews;
  private final Mesh mesh;
  private final MeshJdkServer productpage;
  private final OkHttpClient caller = new OkHttpClient();

  ServedRequestFlowTest() throws IOException {
    reviews = new Upstream();
    mesh = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1"))
        .endpoint("reviews", "127.0.0.1", reviews.port())
        .meterRegistry(meters)
        .openTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build())
        .build();
    productpage = MeshJdkServer.builder(mesh.inboundContext())
        .handler("/", exchange -> {
          int status;
          byte[] body;
          // No header copied by hand: the mesh's client reads the request being served.
          try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/0").build())
              .execute()) {
            status = 200;
            body = r.body().bytes();
          } catch (MeshCallException e) {
            status = 504;
            body = e.flag().name().getBytes(StandardCharsets.UTF_8);
          }
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        })
        .start();
  }

  @AfterEach
  void close() {
    productpage.close();
    mesh.close();
    reviews.close();
    tracerProvider.close();
    caller.connectionPool().evictAll();
  }

  private Response call(String deadlineMs) throws IOException {
    return caller.newCall(new Request.Builder().url("http://127.0.0.1:" + productpage.port() + "/productpage")
        .header("traceparent", TRACEPARENT)
        .header("x-request-id", "req-7")
        .header("x-meshlet-deadline-ms", deadlineMs)
        .build()).execute();
  }

  @Test
  void theOutboundCallContinuesTheTraceOfTheServedRequestAndCarriesItsDeadline() throws Exception {
    try (Response r = call("5000")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("ok");
    }

    String sent = reviews.header(0, "traceparent");
    assertThat(sent).startsWith("00-" + TRACE_ID + "-").doesNotContain("00f067aa0ba902b7");
    assertThat(reviews.header(0, "x-request-id")).isEqualTo("req-7");
    assertThat(Long.parseLong(reviews.header(0, "x-meshlet-deadline-ms"))).isBetween(1L, 5000L);

    // The server span ends once the response has gone, which may be after the caller read it.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (spans.getFinishedSpanItems().stream().noneMatch(s -> s.getKind() == SpanKind.SERVER) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    List<SpanData> finished = spans.getFinishedSpanItems();
    SpanData server = finished.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    SpanData client = finished.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(sent).contains(client.getSpanId());

    assertThat(meters.find("istio_requests_total").tag("reporter", "source")
        .tag("destination_service", "reviews.default.svc.cluster.local").tag("response_code", "200").counter())
        .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
    assertThat(meters.find("istio_requests_total").tag("reporter", "destination")
        .tag("destination_service", "productpage.default.svc.cluster.local").tag("source_workload", "unknown")
        .counter()).isNotNull();
  }

  @Test
  void theServedRequestsDeadlineBoundsTheCallItMakes() throws Exception {
    reviews.respond(r -> new MockResponse.Builder().headersDelay(6, TimeUnit.SECONDS).build());
    long start = System.nanoTime();
    try (Response r = call("300")) {
      assertThat(r.code()).isEqualTo(504);
      assertThat(r.body().string()).isEqualTo("UT");
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000);
  }
}
