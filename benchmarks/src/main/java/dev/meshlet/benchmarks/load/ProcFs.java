package dev.meshlet.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Reads a process's CPU time and resident memory from Linux's /proc. */
public final class ProcFs {
  private static final long TICKS_PER_SECOND = clockTicks();

  private ProcFs() {}

  /** User plus system CPU time of {@code pid} in nanoseconds (clock-tick resolution), or -1. */
  public static long cpuNanos(long pid) {
    return cpuNanos(Path.of("/proc/" + pid + "/stat"));
  }

  /** User plus system CPU time in nanoseconds from a {@code stat} file of /proc (a process's or a thread's), or -1. */
  public static long cpuNanos(Path statFile) {
    try {
      String stat = Files.readString(statFile, StandardCharsets.US_ASCII);
      return cpuNanos(stat, TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Fields 14 and 15 (utime, stime); the command name in field 2 may hold spaces, so count from ')'. */
  static long cpuNanos(String stat, long ticksPerSecond) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * TimeUnit.SECONDS.toNanos(1) / ticksPerSecond;
  }

  /** A {@code kB} line of /proc/PID/status ({@code VmRSS}, {@code VmHWM}) in kilobytes, or -1. */
  public static long statusKb(String pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.substring(key.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | RuntimeException e) {
      // Linux's USER_HZ is 100 on every common architecture.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
