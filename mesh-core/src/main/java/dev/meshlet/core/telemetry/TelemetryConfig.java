package dev.meshlet.core.telemetry;

import dev.meshlet.core.telemetry.accesslog.AccessLogConfig;
import dev.meshlet.core.telemetry.metrics.IstioMetrics;
import dev.meshlet.core.telemetry.tracing.PropagationFormat;
import dev.meshlet.core.telemetry.tracing.TracePropagation;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What telemetry records and how.
 *
 * @param metricsEnabled whether Istio's standard metrics are recorded
 * @param tracingEnabled whether spans are started (context is still propagated when off)
 * @param accessLog the access log
 * @param injectFormats the trace headers written on outbound calls; all formats are read
 * @param maxSeries the most label sets Istio's metrics may create
 */
public record TelemetryConfig(
    boolean metricsEnabled,
    boolean tracingEnabled,
    AccessLogConfig accessLog,
    Set<PropagationFormat> injectFormats,
    int maxSeries) {

  public TelemetryConfig {
    Objects.requireNonNull(accessLog, "accessLog");
    injectFormats = injectFormats.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(injectFormats));
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries: " + maxSeries + " (expected: >= 1)");
    }
  }

  /** Metrics and tracing on, access log off, W3C and B3 multi-header written. */
  public static TelemetryConfig ofDefaults() {
    return new TelemetryConfig(
        true,
        true,
        AccessLogConfig.ofDefaults(),
        TracePropagation.DEFAULT_INJECT_FORMATS,
        IstioMetrics.DEFAULT_MAX_SERIES);
  }

  /** This config with another access log. */
  public TelemetryConfig withAccessLog(AccessLogConfig accessLog) {
    return new TelemetryConfig(metricsEnabled, tracingEnabled, accessLog, injectFormats, maxSeries);
  }

  /** This config writing other trace headers. */
  public TelemetryConfig withInjectFormats(Set<PropagationFormat> formats) {
    return new TelemetryConfig(metricsEnabled, tracingEnabled, accessLog, formats, maxSeries);
  }

  /** This config with metrics on or off. */
  public TelemetryConfig withMetrics(boolean enabled) {
    return new TelemetryConfig(enabled, tracingEnabled, accessLog, injectFormats, maxSeries);
  }

  /** This config with spans on or off. */
  public TelemetryConfig withTracing(boolean enabled) {
    return new TelemetryConfig(metricsEnabled, enabled, accessLog, injectFormats, maxSeries);
  }

  /** This config with another label-set limit. */
  public TelemetryConfig withMaxSeries(int maxSeries) {
    return new TelemetryConfig(metricsEnabled, tracingEnabled, accessLog, injectFormats, maxSeries);
  }
}
