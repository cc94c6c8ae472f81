package dev.meshlet.benchmarks.mesh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Telemetry as a service in production runs it: Istio's metrics on a Prometheus registry (never
 * scraped here) and OpenTelemetry spans sampled at {@link #SAMPLING_RATIO} (Istio's default 1%),
 * parent-based so the server follows the client's decision, batched as an exporter would be. The
 * exporter counts and drops what it gets: no export I/O is measured, and no collector is needed.
 */
public final class BenchTelemetry implements AutoCloseable {
  /** Istio's default trace sampling (meshConfig.defaultConfig.tracing.sampling: 1.0 percent). */
  public static final double SAMPLING_RATIO = 0.01;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong exportedSpans = new AtomicLong();
  private final OpenTelemetrySdk sdk;

  public BenchTelemetry() {
    this(SAMPLING_RATIO);
  }

  /** With {@code samplingRatio} of traces sampled (0 to 1). */
  public BenchTelemetry(double samplingRatio) {
    SpanExporter counting = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        exportedSpans.addAndGet(spans.size());
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
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(samplingRatio)))
            .addSpanProcessor(BatchSpanProcessor.builder(counting).build())
            .build())
        .build();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Spans handed to the exporter so far: proof that tracing ran. */
  public long exportedSpans() {
    return exportedSpans.get();
  }

  /** Hands every ended span to the exporter now. */
  public void flush() {
    sdk.getSdkTracerProvider().forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    sdk.close();
    registry.close();
  }
}
