package dev.meshlet.core.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.Fixtures;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Recording a call whose label set has meters builds no tags: it allocates (next to) nothing.
 * Bytes allocated are counted by the JVM, not timed, so this is exact enough for a unit test;
 * speed itself is for the benchmarks.
 */
class RecordingAllocationTest {
  @Test
  void recordingAKnownLabelSetAllocatesNoTags() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "no allocation counter");

    IstioMetrics metrics = IstioMetrics.create(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    CallRecord call = Fixtures.okCall(Fixtures.clientSide()).build();
    metrics.record(call); // creates the meters
    int calls = 20_000;
    for (int i = 0; i < calls; i++) {
      metrics.record(call);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      metrics.record(call);
    }
    long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;

    System.out.println("allocated bytes per call: " + perCall);
    // 25 tags would be well over a kilobyte; the cached path should be a few bytes at most.
    assertThat(perCall).as("bytes allocated per recorded call").isLessThan(64);
  }
}
