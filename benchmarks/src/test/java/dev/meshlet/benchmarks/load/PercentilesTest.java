package dev.meshlet.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void readsMicrosecondPercentilesFromNanoseconds() {
    Histogram nanos = new Histogram(60_000_000_000L, 3);
    for (long us = 1; us <= 10_000; us++) {
      nanos.recordValue(us * 1_000);
    }

    Percentiles p = Percentiles.of(nanos);

    assertThat(p.count()).isEqualTo(10_000);
    // Three significant digits: each figure within 0.1% of the exact rank.
    assertThat(p.p50Us()).isCloseTo(5_000.0, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(p.p90Us()).isCloseTo(9_000.0, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(p.p99Us()).isCloseTo(9_900.0, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(p.p999Us()).isCloseTo(9_990.0, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(p.maxUs()).isCloseTo(10_000.0, org.assertj.core.data.Percentage.withPercentage(0.1));
  }

  @Test
  void anEmptyHistogramGivesZeros() {
    assertThat(Percentiles.of(new Histogram(3))).isEqualTo(new Percentiles(0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void readsCpuTicksFromProcStatEvenWhenTheCommandHasSpaces() {
    String stat = "4242 (haproxy (x) y) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 50 0 0 20 0 1 0 99 1 1";
    assertThat(ProcFs.cpuNanos(stat, 100)).isEqualTo(2_000_000_000L);
  }
}
