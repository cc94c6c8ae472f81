package dev.meshlet.benchmarks.load;

import org.HdrHistogram.AbstractHistogram;

/** Latency percentiles in microseconds, read from a histogram recorded in nanoseconds. */
public record Percentiles(long count, double p50Us, double p90Us, double p99Us, double p999Us, double maxUs,
    double meanUs) {

  /** Reads the percentiles of {@code nanos}; an empty histogram gives zeros and count 0. */
  public static Percentiles of(AbstractHistogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new Percentiles(0, 0, 0, 0, 0, 0, 0);
    }
    return new Percentiles(nanos.getTotalCount(),
        micros(nanos.getValueAtPercentile(50.0)),
        micros(nanos.getValueAtPercentile(90.0)),
        micros(nanos.getValueAtPercentile(99.0)),
        micros(nanos.getValueAtPercentile(99.9)),
        micros(nanos.getMaxValue()),
        Math.round(nanos.getMean() / 100.0) / 10.0);
  }

  /** Nanoseconds to microseconds with one decimal: finer than that is noise on loopback. */
  static double micros(long nanos) {
    return Math.round(nanos / 100.0) / 10.0;
  }
}
