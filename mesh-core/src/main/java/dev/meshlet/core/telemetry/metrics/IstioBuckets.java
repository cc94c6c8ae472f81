package dev.meshlet.core.telemetry.metrics;

/**
 * The bucket boundaries of Istio's histograms. Istio's stats filter records through Envoy,
 * whose default histogram buckets apply to every {@code istiocustom} histogram unless the
 * {@code sidecar.istio.io/statsHistogramBuckets} annotation overrides them: the same boundaries
 * serve the duration (in milliseconds) and the two size histograms (in bytes).
 */
public final class IstioBuckets {

  /** Envoy's default buckets: 0.5 to 3 600 000. */
  private static final double[] DEFAULT = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
    1800000, 3600000
  };

  private IstioBuckets() {}

  /** Envoy's (and so Istio's) default histogram buckets, a fresh copy. */
  public static double[] defaults() {
    return DEFAULT.clone();
  }

  /** Istio's buckets for {@code istio_request_duration_milliseconds}, in milliseconds. */
  public static double[] durationMillis() {
    return defaults();
  }

  /** Istio's buckets for {@code istio_request_bytes} and {@code istio_response_bytes}. */
  public static double[] bytes() {
    return defaults();
  }
}
