package dev.meshlet.benchmarks.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How much this JVM's JIT has worked so far, which a warm-up watches to know when compiling has
 * settled: the CPU time of its compiler threads ("C1 CompilerThre", "C2 CompilerThre" in
 * /proc/self/task), which grows while a compilation runs. The JVM's own total compilation time
 * grows only when one ends, so a C2 compilation of one or two seconds (seen for JSSE's record
 * layer under load) looked like a quiet JIT; it is the fallback where /proc is not readable.
 */
public final class Jit {
  private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

  private Jit() {}

  /** Milliseconds of JIT work so far. */
  public static long compileMillis() {
    Map<String, Long> threads = ThreadCpu.snapshot("self");
    long nanos = 0;
    boolean found = false;
    for (Map.Entry<String, Long> e : threads.entrySet()) {
      if (e.getKey().contains("CompilerThre")) {
        nanos += e.getValue();
        found = true;
      }
    }
    if (found) {
      return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
    return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported() ? COMPILER.getTotalCompilationTime() : 0;
  }
}
