package dev.meshlet.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The resources used so far by this process (CPU time, bytes allocated on the heap by all
 * threads) and by some other processes (CPU time from /proc): two snapshots bracket a phase.
 */
public record CostSnapshot(long cpuNanos, long allocatedBytes, List<Long> otherPids, long[] otherCpuNanos) {

  /** Takes a snapshot now. */
  public static CostSnapshot take(List<Long> otherPids) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] others = new long[otherPids.size()];
    for (int i = 0; i < others.length; i++) {
      others[i] = ProcFs.cpuNanos(otherPids.get(i));
    }
    return new CostSnapshot(os.getProcessCpuTime(), threads.getTotalThreadAllocatedBytes(), List.copyOf(otherPids),
        others);
  }

  /** This process's CPU nanoseconds between {@code before} and this snapshot. */
  public long cpuSince(CostSnapshot before) {
    return cpuNanos - before.cpuNanos;
  }

  public long allocatedSince(CostSnapshot before) {
    return allocatedBytes - before.allocatedBytes;
  }

  /** CPU nanoseconds of the other processes at {@code indexes}, summed; -1 when one is unreadable. */
  public long otherCpuSince(CostSnapshot before, int... indexes) {
    long sum = 0;
    for (int i : indexes) {
      if (otherCpuNanos[i] < 0 || before.otherCpuNanos[i] < 0) {
        return -1;
      }
      sum += otherCpuNanos[i] - before.otherCpuNanos[i];
    }
    return sum;
  }
}
