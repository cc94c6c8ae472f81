package dev.meshlet.core.telemetry;

import dev.meshlet.core.telemetry.accesslog.AccessLog;
import dev.meshlet.core.telemetry.metrics.CallMeters;
import dev.meshlet.core.telemetry.metrics.IstioMetrics;
import dev.meshlet.core.telemetry.metrics.MeshletMetrics;
import dev.meshlet.core.telemetry.tracing.HttpTracing;
import dev.meshlet.core.telemetry.tracing.TracePropagation;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh's telemetry, built once from the user's {@link MeterRegistry} and {@link
 * OpenTelemetry} (never global ones) and a {@link TelemetryConfig}. The client and server paths
 * start spans with {@link #tracing()} and hand each finished call to {@link #record}, which
 * records Istio's metrics and writes the access log line.
 *
 * <p>Nothing here throws on the request path: a failure inside telemetry is swallowed, counted in
 * {@code meshlet_telemetry_errors_total{stage=...}} and logged once, and the call goes on.
 *
 * <pre>{@code
 * Telemetry telemetry = Telemetry.create(meterRegistry, openTelemetry,
 *     TelemetryConfig.ofDefaults().withAccessLog(AccessLogConfig.text()));
 * TrafficLabels labels = TrafficLabels.source(self, peer, ServiceLabels.ofHost(host)); // per endpoint
 * ClientSpan span = telemetry.tracing().startClient(Context.current(), requestInfo);
 * span.inject(requestBuilder::header);
 * // ... the call ...
 * span.end(response.code());
 * telemetry.record(CallRecord.builder(labels).responseCode(response.code())
 *     .durationNanos(elapsed).traceId(span.traceId()).build());
 * }</pre>
 */
public final class Telemetry {
  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

  private final TelemetryConfig config;
  private final IstioMetrics istioMetrics;
  private final MeshletMetrics meshletMetrics;
  private final HttpTracing tracing;
  private final AccessLog accessLog;
  private final AtomicBoolean warned = new AtomicBoolean();

  private Telemetry(
      MeterRegistry registry, OpenTelemetry openTelemetry, TelemetryConfig config, AccessLog accessLog) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    this.config = Objects.requireNonNull(config, "config");
    this.istioMetrics = IstioMetrics.create(registry, config.maxSeries());
    this.meshletMetrics = MeshletMetrics.create(registry);
    this.tracing =
        HttpTracing.create(
            config.tracingEnabled() ? openTelemetry : OpenTelemetry.noop(),
            TracePropagation.injecting(config.injectFormats()));
    this.accessLog = accessLog;
  }

  /** Telemetry on the user's registry and OpenTelemetry, configured by {@code config}. */
  public static Telemetry create(
      MeterRegistry registry, OpenTelemetry openTelemetry, TelemetryConfig config) {
    return new Telemetry(registry, openTelemetry, config, AccessLog.create(config.accessLog()));
  }

  /** Telemetry with {@link TelemetryConfig#ofDefaults()}. */
  public static Telemetry create(MeterRegistry registry, OpenTelemetry openTelemetry) {
    return create(registry, openTelemetry, TelemetryConfig.ofDefaults());
  }

  /** Telemetry whose access log goes to {@code accessLogger}, whatever name the config gives. */
  static Telemetry create(
      MeterRegistry registry, OpenTelemetry openTelemetry, TelemetryConfig config, Logger accessLogger) {
    return new Telemetry(
        registry, openTelemetry, config, AccessLog.create(config.accessLog(), accessLogger));
  }

  /**
   * Records a finished call: Istio's metrics and the access log line. Never throws.
   */
  public void record(CallRecord call) {
    if (config.metricsEnabled()) {
      try {
        if (!istioMetrics.record(call)) {
          meshletMetrics.telemetryDropped();
        }
      } catch (RuntimeException e) {
        failed("metrics", e);
      }
    }
    try {
      accessLog.log(call);
    } catch (RuntimeException e) {
      failed("access_log", e);
    }
  }

  /**
   * Records only Istio's metrics of a finished HTTP call, building no {@link CallRecord}: the path
   * for callers whose access log is off (check {@link AccessLog#isEnabled()}), which then
   * allocates nothing once the label set is known. Never throws.
   *
   * @param responseFlags Envoy's flags, or {@link CallRecord#NO_FLAGS}
   */
  public void recordMetrics(TrafficLabels labels, int responseCode, String responseFlags, long durationNanos,
      long requestBytes, long responseBytes) {
    if (!config.metricsEnabled()) {
      return;
    }
    try {
      CallMeters meters = istioMetrics.meters(labels, RequestProtocol.HTTP, responseCode, responseFlags, -1);
      if (meters == null) {
        meshletMetrics.telemetryDropped();
      } else {
        meters.record(durationNanos, requestBytes, responseBytes);
      }
    } catch (RuntimeException e) {
      failed("metrics", e);
    }
  }

  /** Span helpers and propagation. */
  public HttpTracing tracing() {
    return tracing;
  }

  /** Istio's standard metrics. */
  public IstioMetrics istioMetrics() {
    return istioMetrics;
  }

  /** Meshlet's machinery metrics (retries, ejections, overflows, config version, certificate). */
  public MeshletMetrics meshletMetrics() {
    return meshletMetrics;
  }

  /** The access log. */
  public AccessLog accessLog() {
    return accessLog;
  }

  /** The configuration. */
  public TelemetryConfig config() {
    return config;
  }

  private void failed(String stage, RuntimeException e) {
    try {
      meshletMetrics.telemetryError(stage);
      if (warned.compareAndSet(false, true)) {
        LOG.warn("telemetry failed at {} and will go on without it for this call (logged once)", stage, e);
      }
    } catch (RuntimeException ignored) {
      // Counting the failure failed too: there is nothing left to tell, and the call must go on.
    }
  }
}
