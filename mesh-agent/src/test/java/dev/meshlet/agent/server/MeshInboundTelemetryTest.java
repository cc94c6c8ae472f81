package dev.meshlet.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.core.telemetry.WorkloadLabels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.meshlet.tls.authz.RequestHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain wired to Meshlet's telemetry: Istio's metrics with reporter=destination and the
 * connection's security policy, a server span continuing the caller's trace, and that span's
 * context in the request scope for outbound calls.
 */
class MeshInboundTelemetryTest {

  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CALLER_SPAN = "00f067aa0ba902b7";

  @TempDir Path dir;
  MeshFixture mesh;
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  MeshJdkServer server;

  @BeforeEach
  void start() throws Exception {
    mesh = new MeshFixture(dir);
    Telemetry telemetry = Telemetry.create(registry, otel);
    InboundTelemetry inbound = MeshInboundTelemetry.of(telemetry,
        new WorkloadLabels("reviews-v1", "bookinfo", null, "reviews", "v1", null, null, null),
        ServiceLabels.ofHost("reviews.bookinfo.svc.cluster.local"));
    InboundContext context = InboundContext.of(mesh.snapshot::get, MeshFixture.SERVER, Map.of("app", "reviews"),
        mesh.serverCerts, inbound, Clock.systemUTC());
    server = MeshJdkServer.builder(context).bindAddress(InetAddress.getLoopbackAddress()).threads(2)
        .handler("/", exchange -> {
          byte[] body = RequestScope.current().orElseThrow().headers().getOrDefault("traceparent", "none")
              .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        })
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    mesh.close();
    otel.close();
  }

  @Test
  void aServerSpanContinuesTheCallersTraceAndOutboundCallsCarryIt() throws Exception {
    String propagated;
    try (Response response = mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1")
        .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01").build()).execute()) {
      propagated = response.body().string();
    }

    MeshFixture.eventually(() -> assertThat(spans.getFinishedSpanItems()).hasSize(1));
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN);
    // What the handler's outbound calls carry: the same trace, the server span as parent.
    assertThat(propagated).isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
  }

  @Test
  void withoutATracingSdkTheCallersTraceHeadersAreCarriedOnUnchanged() throws Exception {
    InboundTelemetry noop = MeshInboundTelemetry.of(Telemetry.create(registry, OpenTelemetry.noop()),
        WorkloadLabels.UNKNOWN_PEER, ServiceLabels.UNKNOWN);
    InboundContext context = InboundContext.of(mesh.snapshot::get, MeshFixture.SERVER, Map.of(), null, noop,
        Clock.systemUTC());
    String traceparent = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";
    InboundCall call = InboundChain.compile(context, mesh.snapshot.get()).begin(new InboundRequest("GET", "/", "reviews",
        RequestHeaders.of(Map.of("traceparent", traceparent, "b3", TRACE_ID + "-" + CALLER_SPAN + "-1")), false, null,
        null, null, 9080, null));

    assertThat(call.scope().headers()).containsOnly(Map.entry("traceparent", traceparent),
        Map.entry("b3", TRACE_ID + "-" + CALLER_SPAN + "-1"));
  }

  @Test
  void anUnsampledTraceIsCarriedOnAsTheCallerSentItAndExportsNoSpan() throws Exception {
    // Istio's 1% sampling: most requests arrive with sampled=0; nothing of their server span is
    // exported, so the caller's headers are carried on rather than rebuilt per request.
    String traceparent = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-00";
    String propagated;
    try (Response response = mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1").header("traceparent", traceparent).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      propagated = response.body().string();
    }

    assertThat(propagated).isEqualTo(traceparent);
    MeshFixture.eventually(() -> assertThat(registry.find("istio_requests_total").counter()).isNotNull());
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void istioMetricsReportTheDestinationSideWithTheCallersPrincipalAndSecurityPolicy() throws Exception {
    MeshInboundTelemetryTest.status(mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1").build()).execute());
    MeshInboundTelemetryTest.status(mesh.plain.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + server.port() + "/reviews/1").build()).execute());

    MeshFixture.eventually(() -> {
      Counter mtls = registry.find("istio_requests_total").tag("reporter", "destination")
          .tag("connection_security_policy", "mutual_tls")
          .tag("source_principal", "spiffe://" + MeshFixture.CLIENT_PRINCIPAL)
          .tag("source_workload_namespace", "bookinfo")
          .tag("destination_workload", "reviews-v1")
          .tag("response_code", "200").counter();
      Counter plain = registry.find("istio_requests_total").tag("reporter", "destination")
          .tag("connection_security_policy", "none").tag("source_principal", "unknown").counter();
      assertThat(mtls).isNotNull();
      assertThat(mtls.count()).isEqualTo(1.0);
      assertThat(plain).isNotNull();
      assertThat(plain.count()).isEqualTo(1.0);
    });
  }

  @Test
  void alternatingCallersAreEachCountedUnderTheirOwnLabels() {
    // The last caller's labels are kept: a caller that differs in principal or metadata only must
    // still get its own.
    MeshInboundTelemetry inbound = MeshInboundTelemetry.of(Telemetry.create(registry, OpenTelemetry.noop()),
        new WorkloadLabels("reviews-v1", "bookinfo", null, "reviews", "v1", null, null, null),
        ServiceLabels.ofHost("reviews.bookinfo.svc.cluster.local"));
    dev.meshlet.tls.authz.SourceIdentity productpage =
        dev.meshlet.tls.authz.SourceIdentity.ofPrincipal(MeshFixture.CLIENT_PRINCIPAL);
    String productpageMetadata =
        "workload=productpage-v1;namespace=bookinfo;app=productpage;version=v1;service=productpage;revision=v1";
    String ratingsMetadata = "workload=ratings-v1;namespace=bookinfo;app=ratings;version=v1;service=ratings;revision=v1";

    for (int i = 0; i < 3; i++) {
      serve(inbound, productpage, ConnectionSecurity.MUTUAL_TLS, productpageMetadata);
      serve(inbound, dev.meshlet.tls.authz.SourceIdentity.NONE, ConnectionSecurity.NONE, productpageMetadata);
      serve(inbound, dev.meshlet.tls.authz.SourceIdentity.NONE, ConnectionSecurity.NONE, ratingsMetadata);
      serve(inbound, dev.meshlet.tls.authz.SourceIdentity.NONE, ConnectionSecurity.NONE, null);
    }

    assertThat(requests("productpage-v1", "spiffe://" + MeshFixture.CLIENT_PRINCIPAL, "mutual_tls")).isEqualTo(3.0);
    assertThat(requests("productpage-v1", "unknown", "none")).isEqualTo(3.0);
    assertThat(requests("ratings-v1", "unknown", "none")).isEqualTo(3.0);
    assertThat(requests("unknown", "unknown", "none")).isEqualTo(3.0);
  }

  private static void serve(MeshInboundTelemetry inbound, dev.meshlet.tls.authz.SourceIdentity source,
      ConnectionSecurity security, @org.jspecify.annotations.Nullable String metadata) {
    inbound.start(new InboundCallInfo(MeshFixture.SERVER, source, security, "GET", "/reviews/1", "reviews:9080",
        Map.of(), 9080, java.time.Instant.now(), metadata)).end(200, "", null);
  }

  private double requests(String sourceWorkload, String sourcePrincipal, String security) {
    Counter counter = registry.find("istio_requests_total").tag("reporter", "destination")
        .tag("source_workload", sourceWorkload).tag("source_principal", sourcePrincipal)
        .tag("connection_security_policy", security).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aDenialIsCountedWithTheRbacFlag() throws Exception {
    mesh.apply("""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-all, namespace: bookinfo}
        spec: {}
        """);

    assertThat(MeshInboundTelemetryTest.status(mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1").build()).execute())).isEqualTo(403);

    MeshFixture.eventually(() -> {
      Counter denied = registry.find("istio_requests_total").tag("response_code", "403")
          .tag("response_flags", "RBAC").counter();
      assertThat(denied).as(registry.getMetersAsString()).isNotNull();
      assertThat(denied.count()).isEqualTo(1.0);
    });
  }

  @Test
  void aSampledServerSpanCarriesItsHttpAttributes() throws Exception {
    try (Response response = mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1?page=2")
        .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    MeshFixture.eventually(() -> assertThat(spans.getFinishedSpanItems()).hasSize(1));
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("GET");
    assertThat(span.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("http.request.method"), "GET")
        .containsEntry(AttributeKey.stringKey("url.path"), "/reviews/1")
        .containsEntry(AttributeKey.stringKey("url.query"), "page=2")
        .containsEntry(AttributeKey.stringKey("url.scheme"), "https")
        .containsEntry(AttributeKey.stringKey("server.address"), "127.0.0.1")
        .containsEntry(AttributeKey.longKey("server.port"), (long) server.port())
        .containsEntry(AttributeKey.longKey("http.response.status_code"), 200L);
  }

  @Test
  void aB3OnlyCallerIsContinuedAndItsSpanReplacedDownstream() throws Exception {
    String propagated;
    try (Response response = mesh.mesh.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + server.port() + "/reviews/1")
        .header("X-B3-TraceId", TRACE_ID).header("X-B3-SpanId", CALLER_SPAN).header("X-B3-Sampled", "1")
        .build()).execute()) {
      propagated = response.body().string();
    }

    MeshFixture.eventually(() -> assertThat(spans.getFinishedSpanItems()).hasSize(1));
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(propagated).isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
  }

  @Test
  void headersReadInOnePassAreTheSameAsReadByName() {
    InboundTelemetry noop = MeshInboundTelemetry.of(Telemetry.create(registry, OpenTelemetry.noop()),
        WorkloadLabels.UNKNOWN_PEER, ServiceLabels.UNKNOWN);
    InboundContext context = InboundContext.of(mesh.snapshot::get, MeshFixture.SERVER, Map.of(), null, noop,
        Clock.systemUTC());
    InboundChain chain = InboundChain.compile(context, mesh.snapshot.get());
    // As sent: any case, a header twice, headers the chain does not read.
    List<Map.Entry<String, String>> lines = List.of(Map.entry("Host", "reviews"),
        Map.entry("TraceParent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-00"), Map.entry("X-B3-TraceId", TRACE_ID),
        Map.entry("baggage", "a=1"), Map.entry("Accept", "*/*"), Map.entry("BAGGAGE", "b=2"),
        Map.entry("X-Request-Id", "r-1"), Map.entry("x-meshlet-deadline-ms", "-5"));
    RequestHeaders byName = name -> {
      String value = null;
      for (Map.Entry<String, String> line : lines) {
        if (line.getKey().equalsIgnoreCase(name)) {
          value = value == null ? line.getValue() : value + "," + line.getValue();
        }
      }
      return value;
    };
    RequestHeaders listable = new RequestHeaders() {
      @Override
      public String get(String name) {
        return byName.get(name);
      }

      @Override
      public boolean forEach(java.util.function.BiConsumer<String, String> action) {
        lines.forEach(line -> action.accept(line.getKey(), line.getValue()));
        return true;
      }
    };

    InboundCall named = chain.begin(request(byName, "/"));
    InboundCall listed = chain.begin(request(listable, "/"));

    // The deadline was read too: the caller has given up already.
    assertThat(named.refusal().status()).isEqualTo(504);
    assertThat(listed.refusal()).isEqualTo(named.refusal());
    RequestHeaders withoutDeadline = new RequestHeaders() {
      @Override
      public String get(String name) {
        return name.equals("x-meshlet-deadline-ms") ? null : byName.get(name);
      }

      @Override
      public boolean forEach(java.util.function.BiConsumer<String, String> action) {
        return listable.forEach((name, value) -> {
          if (!name.equalsIgnoreCase("x-meshlet-deadline-ms")) {
            action.accept(name, value);
          }
        });
      }
    };
    RequestHeaders withoutDeadlineByName = name -> withoutDeadline.get(name);
    assertThat(chain.begin(request(withoutDeadline, "/")).scope().headers())
        .isEqualTo(chain.begin(request(withoutDeadlineByName, "/")).scope().headers())
        .containsOnly(
        Map.entry("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-00"), Map.entry("x-b3-traceid", TRACE_ID),
        Map.entry("baggage", "a=1,b=2"), Map.entry("x-request-id", "r-1"));
  }

  private static InboundRequest request(RequestHeaders headers, String path) {
    return new InboundRequest("GET", path, "reviews", headers, false, null, null, null, 9080, null);
  }

  static int status(Response response) {
    try (response) {
      return response.code();
    }
  }
}
