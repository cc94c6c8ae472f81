package dev.meshlet.benchmarks.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** This JVM's JIT compilation time so far, which a warm-up watches to know when compiling has settled. */
public final class Jit {
  private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

  private Jit() {}

  /** Total compilation time in milliseconds; 0 when the JVM does not monitor it (then it never gates). */
  public static long compileMillis() {
    return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported() ? COMPILER.getTotalCompilationTime() : 0;
  }
}
