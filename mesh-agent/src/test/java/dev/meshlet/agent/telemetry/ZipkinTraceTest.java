package dev.meshlet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.MeshBuilder;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.core.telemetry.TelemetryConfig;
import dev.meshlet.core.telemetry.tracing.PropagationFormat;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One request through three Meshlet services (each its own mesh, real JDK server and
 * OpenTelemetry SDK exporting to a real Zipkin server) makes one trace in Zipkin, with the
 * parent/child chain server A, client A→B, server B, client B→C, server C; once propagating W3C
 * trace context only, once B3 only. If propagation broke, B and C would start traces of their own.
 */
class ZipkinTraceTest {
  private static ZipkinProcess zipkin;

  @BeforeAll
  static void startZipkin() throws Exception {
    zipkin = ZipkinProcess.start();
  }

  @AfterAll
  static void stopZipkin() throws Exception {
    if (zipkin != null) {
      zipkin.close();
    }
  }

  @Test
  void w3cTraceContextJoinsThreeServicesInOneZipkinTrace() throws Exception {
    assertOneTraceThrough("w3c", PropagationFormat.W3C_TRACE_CONTEXT);
  }

  @Test
  void b3JoinsThreeServicesInOneZipkinTrace() throws Exception {
    assertOneTraceThrough("b3", PropagationFormat.B3_MULTI);
  }

  private static void assertOneTraceThrough(String variant, PropagationFormat format) throws Exception {
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Service c = Service.start("c", variant, format, null, open);
      Service b = Service.start("b", variant, format, c, open);
      Service a = Service.start("a", variant, format, b, open);
      OkHttpClient plain = new OkHttpClient();
      try (Response r = plain.newCall(new Request.Builder().url("http://127.0.0.1:" + a.server.port() + "/").build())
          .execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("a<b<c");
      }
      plain.connectionPool().evictAll();

      JsonNode trace = awaitTrace("a-" + variant, 5);
      Span serverA = find(trace, "a-" + variant, "SERVER");
      Span clientAB = find(trace, "a-" + variant, "CLIENT");
      Span serverB = find(trace, "b-" + variant, "SERVER");
      Span clientBC = find(trace, "b-" + variant, "CLIENT");
      Span serverC = find(trace, "c-" + variant, "SERVER");
      assertThat(serverA.parentId).as("server A is the root").isNull();
      assertThat(clientAB.parentId).isEqualTo(serverA.id);
      assertThat(serverB.parentId).isEqualTo(clientAB.id);
      assertThat(clientBC.parentId).isEqualTo(serverB.id);
      assertThat(serverC.parentId).isEqualTo(clientBC.id);
      assertThat(clientAB.name).isEqualTo("get");
      // B and C took part in no other trace: nothing started a trace of its own.
      assertThat(zipkin.traces("b-" + variant)).hasSize(1);
      assertThat(zipkin.traces("c-" + variant)).hasSize(1);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  /** The one trace {@code service} took part in, once Zipkin holds {@code spans} spans of it. */
  private static JsonNode awaitTrace(String service, int spans) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonNode traces;
    while (true) {
      traces = zipkin.traces(service);
      if (traces.size() > 1 || traces.size() == 1 && traces.get(0).size() >= spans || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(traces).as("traces of %s in zipkin", service).hasSize(1);
    JsonNode trace = zipkin.trace(traces.get(0).get(0).get("traceId").asText());
    assertThat(trace).as("spans of the trace").hasSize(spans);
    return trace;
  }

  private record Span(String id, String parentId, String name) {}

  private static Span find(JsonNode trace, String service, String kind) {
    List<Span> found = new ArrayList<>();
    for (JsonNode s : trace) {
      if (service.equals(s.path("localEndpoint").path("serviceName").asText()) && kind.equals(s.path("kind").asText())) {
        found.add(new Span(s.get("id").asText(), s.hasNonNull("parentId") ? s.get("parentId").asText() : null,
            s.path("name").asText()));
      }
    }
    assertThat(found).as("%s spans of %s in %s", kind, service, trace).hasSize(1);
    return found.get(0);
  }

  /** One meshed service: its SDK exporting to Zipkin, its mesh, and a JDK server that calls {@code next}. */
  private record Service(String name, MeshJdkServer server) {
    static Service start(String name, String variant, PropagationFormat format, Service next, List<AutoCloseable> open) {
      SdkTracerProvider tracing = SdkTracerProvider.builder()
          .setResource(Resource.getDefault().merge(Resource.create(
              Attributes.of(AttributeKey.stringKey("service.name"), name + "-" + variant))))
          .addSpanProcessor(SimpleSpanProcessor.create(
              ZipkinSpanExporter.builder().setEndpoint(zipkin.spansEndpoint()).build()))
          .build();
      open.add(tracing);
      MeshBuilder mb = Mesh.builder(ServiceIdentity.of(name))
          .openTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracing).build())
          .telemetry(TelemetryConfig.ofDefaults().withInjectFormats(Set.of(format)));
      if (next != null) {
        mb.endpoint(next.name, "127.0.0.1", next.server.port());
      }
      Mesh mesh = mb.build();
      open.add(mesh);
      MeshJdkServer server = MeshJdkServer.builder(mesh.inboundContext())
          .handler("/", exchange -> {
            String body = name;
            int status = 200;
            if (next != null) {
              try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://" + next.name + "/").build())
                  .execute()) {
                status = r.code();
                body = name + "<" + r.body().string();
              }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
          })
          .start();
      open.add(server);
      return new Service(name, server);
    }
  }
}
