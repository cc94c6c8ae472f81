package dev.meshlet.benchmarks.jmh;

import dev.meshlet.core.registry.WorkloadInstance;
import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import dev.meshlet.core.telemetry.tracing.ClientRequestInfo;
import dev.meshlet.core.telemetry.tracing.ClientSpan;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.meshlet.core.telemetry.tracing.HttpAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of telemetry on the client side: Istio's four metrics on a Prometheus
 * registry, and a client span that is sampled (the SDK with a processor whose exporter drops
 * spans, so export I/O is not counted) with its propagation headers injected. The SDK's own cost
 * is measured apart ({@code sdkBareSpan}, {@code sdkSpanWithOurAttributes}) so that what is
 * Meshlet's shows as the difference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TelemetryBenchmark {
  private Telemetry telemetry;
  private TrafficLabels labels;
  private ClientRequestInfo info;
  private final String[] lastHeader = new String[1];
  private io.opentelemetry.api.trace.Tracer tracer;

  @Setup(Level.Trial)
  public void setUp() {
    SpanExporter dropping = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    OpenTelemetry otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(SimpleSpanProcessor.create(dropping))
            .build())
        .build();
    telemetry = Telemetry.create(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), otel);
    tracer = otel.getTracer("benchmark");
    WorkloadLabels self = WorkloadLabels.of(new WorkloadInstance("productpage", "default", "127.0.0.1",
        Map.of("http", 9080), Map.of("app", "productpage", "version", "v1"), "productpage", null), null);
    WorkloadLabels peer = WorkloadLabels.of(new WorkloadInstance("reviews", "default", "127.0.0.2",
        Map.of("http", 9080), Map.of("app", "reviews", "version", "v2"), "reviews", null), null);
    labels = TrafficLabels.source(self, peer, ServiceLabels.ofHost("reviews.default.svc.cluster.local"));
    info = new ClientRequestInfo("GET", "http://reviews:9080/reviews/0", "reviews", 9080, 0);
  }

  /** Istio's metrics for one call whose label set is already known. */
  @Benchmark
  public void metricsOnly() {
    telemetry.record(CallRecord.builder(labels).responseCode(200).requestBytes(0).responseBytes(512)
        .durationNanos(1_200_000).build());
  }

  /** Istio's metrics through the path that builds no {@code CallRecord} (the access log is off). */
  @Benchmark
  public void metricsWithoutRecord() {
    telemetry.recordMetrics(labels, 200, CallRecord.NO_FLAGS, 1_200_000, 0, 512);
  }

  /** The SDK's floor: a sampled client span with no attribute, started and ended. */
  @Benchmark
  public void sdkBareSpan() {
    tracer.spanBuilder("GET").setSpanKind(SpanKind.CLIENT).setParent(Context.root()).startSpan().end();
  }

  /** The SDK with the attributes a Meshlet client span carries, set directly (no Meshlet code). */
  @Benchmark
  public void sdkSpanWithOurAttributes() {
    Span span = tracer.spanBuilder("GET").setSpanKind(SpanKind.CLIENT).setParent(Context.root())
        .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
        .setAttribute(HttpAttributes.URL_FULL, "http://reviews:9080/reviews/0")
        .setAttribute(HttpAttributes.SERVER_ADDRESS, "reviews")
        .setAttribute(HttpAttributes.SERVER_PORT, PORT)
        .startSpan();
    span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, STATUS);
    span.end();
  }

  /** Meshlet's client span alone: started, its W3C and B3 headers injected, ended. */
  @Benchmark
  public void sampledSpan() {
    ClientSpan span = telemetry.tracing().startClient(Context.root(), info);
    span.inject((k, v) -> lastHeader[0] = v);
    span.end(200);
  }

  /** Metrics (the record-free path) plus a sampled client span with its W3C and B3 headers injected. */
  @Benchmark
  public void metricsAndSampledSpan() {
    ClientSpan span = telemetry.tracing().startClient(Context.root(), info);
    span.inject((k, v) -> lastHeader[0] = v);
    span.end(200);
    telemetry.recordMetrics(labels, 200, CallRecord.NO_FLAGS, 1_200_000, 0, 512);
  }

  /** The same with the metrics through a {@code CallRecord} (as when the access log is on, less the log line). */
  @Benchmark
  public void metricsRecordAndSampledSpan() {
    ClientSpan span = telemetry.tracing().startClient(Context.root(), info);
    span.inject((k, v) -> lastHeader[0] = v);
    span.end(200);
    telemetry.record(CallRecord.builder(labels).responseCode(200).requestBytes(0).responseBytes(512)
        .durationNanos(1_200_000).traceId(span.traceId()).build());
  }

  private static final Long PORT = 9080L;
  private static final Long STATUS = 200L;
}
