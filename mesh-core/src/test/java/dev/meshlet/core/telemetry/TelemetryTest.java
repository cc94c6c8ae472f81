package dev.meshlet.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.meshlet.core.telemetry.accesslog.AccessLogConfig;
import dev.meshlet.core.telemetry.tracing.ClientRequestInfo;
import dev.meshlet.core.telemetry.tracing.ClientSpan;
import dev.meshlet.core.telemetry.tracing.PropagationFormat;
import dev.meshlet.core.telemetry.tracing.ServerRequestInfo;
import dev.meshlet.core.telemetry.tracing.ServerSpan;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class TelemetryTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final CapturingLogger access = new CapturingLogger("meshlet.access", Level.INFO);

  double requests(String reporter) {
    return registry.find("istio_requests_total").tag("reporter", reporter).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void aCallThroughTwoMeshedServicesIsOneTraceTwoReportsAndTwoLogLines() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build()) {
      Telemetry client =
          Telemetry.create(registry, otel, TelemetryConfig.ofDefaults().withAccessLog(AccessLogConfig.text()), access);
      Telemetry server =
          Telemetry.create(registry, otel, TelemetryConfig.ofDefaults().withAccessLog(AccessLogConfig.json()), access);

      ClientSpan attempt =
          client.tracing().startClient(
              Context.root(), new ClientRequestInfo("GET", "http://10.0.0.7:9080/reviews/0", "reviews", 9080, 0));
      Map<String, String> wire = new LinkedHashMap<>();
      attempt.inject(wire::put);
      ServerSpan handling =
          server.tracing().startServer(
              name -> wire.entrySet().stream()
                  .filter(e -> e.getKey().equalsIgnoreCase(name))
                  .map(Map.Entry::getValue)
                  .findFirst()
                  .orElse(null),
              new ServerRequestInfo("GET", "http", "/reviews/0", null, null, "reviews", 9080, "10.0.0.5", null, "1.1"));
      handling.end(200);
      server.record(Fixtures.okCall(Fixtures.serverSide()).traceId(handling.traceId()).build());
      attempt.end(200);
      client.record(Fixtures.okCall(Fixtures.clientSide()).traceId(attempt.traceId()).build());

      assertThat(handling.traceId()).isEqualTo(attempt.traceId());
      assertThat(spans.getFinishedSpanItems()).hasSize(2);
      assertThat(requests("source")).isEqualTo(1.0);
      assertThat(requests("destination")).isEqualTo(1.0);
      assertThat(access.lines).hasSize(2);
      assertThat(access.lines.get(0)).startsWith("{").contains("\"trace_id\":\"" + attempt.traceId() + "\"");
      assertThat(access.lines.get(1)).startsWith("[").endsWith(" " + attempt.traceId());
      assertThat(wire).containsKeys("traceparent", "x-b3-traceid");
    }
  }

  @Test
  void aFailingRegistryNeverReachesTheCallerAndIsCounted() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().startsWith("istio_")) {
          throw new IllegalStateException("registry is broken");
        }
        return id;
      }
    });
    Telemetry telemetry = Telemetry.create(registry, OpenTelemetry.noop(), TelemetryConfig.ofDefaults(), access);

    assertThatCode(() -> telemetry.record(Fixtures.okCall(Fixtures.clientSide()).build())).doesNotThrowAnyException();
    assertThatCode(() -> telemetry.record(Fixtures.okCall(Fixtures.clientSide()).build())).doesNotThrowAnyException();

    assertThat(registry.get("meshlet_telemetry_errors_total").tag("stage", "metrics").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void aFailingLoggerNeverReachesTheCallerAndIsCounted() {
    CapturingLogger broken = new CapturingLogger("meshlet.access", Level.INFO);
    broken.broken = true;
    Telemetry telemetry =
        Telemetry.create(
            registry, OpenTelemetry.noop(), TelemetryConfig.ofDefaults().withAccessLog(AccessLogConfig.text()), broken);

    assertThatCode(() -> telemetry.record(Fixtures.okCall(Fixtures.clientSide()).build())).doesNotThrowAnyException();

    assertThat(registry.get("meshlet_telemetry_errors_total").tag("stage", "access_log").counter().count())
        .isEqualTo(1.0);
    assertThat(requests("source")).as("metrics still recorded").isEqualTo(1.0);
  }

  @Test
  void callsPastTheLabelSetLimitAreCountedAsDropped() {
    Telemetry telemetry =
        Telemetry.create(registry, OpenTelemetry.noop(), TelemetryConfig.ofDefaults().withMaxSeries(1), access);

    telemetry.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(200).build());
    telemetry.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(500).build());

    assertThat(registry.get("meshlet_telemetry_dropped_total").counter().count()).isEqualTo(1.0);
  }

  @Test
  void switchedOffPartsCostNothingVisible() {
    Telemetry telemetry =
        Telemetry.create(
            registry,
            OpenTelemetry.noop(),
            TelemetryConfig.ofDefaults()
                .withMetrics(false)
                .withTracing(false)
                .withInjectFormats(EnumSet.of(PropagationFormat.B3_SINGLE)),
            access);

    telemetry.record(Fixtures.okCall(Fixtures.clientSide()).build());

    assertThat(registry.find("istio_requests_total").counters()).isEmpty();
    assertThat(access.lines).as("access log is off by default").isEmpty();
    assertThat(telemetry.tracing().propagation().injectFormats()).containsExactly(PropagationFormat.B3_SINGLE);
  }
}
