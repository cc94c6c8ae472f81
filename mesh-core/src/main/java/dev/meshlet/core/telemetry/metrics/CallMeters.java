package dev.meshlet.core.telemetry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;

/**
 * The four meters of Istio's standard HTTP metrics for one label set: the request counter and
 * the duration, request size and response size histograms. Looked up once per label set and
 * kept, so recording a call builds no tags.
 */
public final class CallMeters {
  private static final double NANOS_PER_MILLI = 1_000_000.0;

  private final Counter requests;
  private final DistributionSummary durationMillis;
  private final DistributionSummary requestBytes;
  private final DistributionSummary responseBytes;

  CallMeters(
      Counter requests,
      DistributionSummary durationMillis,
      DistributionSummary requestBytes,
      DistributionSummary responseBytes) {
    this.requests = requests;
    this.durationMillis = durationMillis;
    this.requestBytes = requestBytes;
    this.responseBytes = responseBytes;
  }

  /** Counts one call and records its duration and sizes. */
  public void record(long durationNanos, long requestBytes, long responseBytes) {
    requests.increment();
    durationMillis.record(durationNanos / NANOS_PER_MILLI);
    this.requestBytes.record(requestBytes);
    this.responseBytes.record(responseBytes);
  }

  /** {@code istio_requests_total}. */
  public Counter requests() {
    return requests;
  }

  /** {@code istio_request_duration_milliseconds}. */
  public DistributionSummary durationMillis() {
    return durationMillis;
  }

  /** {@code istio_request_bytes}. */
  public DistributionSummary requestBytes() {
    return requestBytes;
  }

  /** {@code istio_response_bytes}. */
  public DistributionSummary responseBytes() {
    return responseBytes;
  }
}
