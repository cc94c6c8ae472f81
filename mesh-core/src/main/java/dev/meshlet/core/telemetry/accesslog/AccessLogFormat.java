package dev.meshlet.core.telemetry.accesslog;

/** How an access log line is written, as Istio's {@code accessLogEncoding}. */
public enum AccessLogFormat {
  /** Istio's default text format, Envoy's command operators in Istio's order. */
  TEXT,
  /** One JSON object per line with the keys of Istio's JSON access log. */
  JSON
}
