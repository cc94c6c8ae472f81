package dev.meshlet.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of a process's threads by name, from /proc/PID/task: JIT compilers, GC workers and
 * the JVM's own threads included, which {@code ThreadMXBean} does not list. Names that differ only
 * by a number ("OkHttp Dispatcher 3", "GC Thread#1") are summed, so two snapshots show which kind
 * of thread a phase's CPU went to.
 */
public final class ThreadCpu {
  private ThreadCpu() {}

  /** CPU nanoseconds by thread kind of process {@code pid} ("self" for this one), now. */
  public static Map<String, Long> snapshot(String pid) {
    Map<String, Long> byKind = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
      tasks.forEach(task -> {
        try {
          String comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
          long cpu = ProcFs.cpuNanos(task.resolve("stat"));
          if (cpu >= 0) {
            byKind.merge(kind(comm), cpu, Long::sum);
          }
        } catch (IOException | RuntimeException e) {
          // The thread ended between the listing and the read.
        }
      });
    } catch (IOException e) {
      return Map.of();
    }
    return byKind;
  }

  /** "kind ms/1k, ..." of what each kind spent between the snapshots, per 1,000 requests, largest first. */
  public static String perThousand(Map<String, Long> before, Map<String, Long> after, long requests) {
    if (requests <= 0) {
      return "";
    }
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(),
            e.getValue() / (double) TimeUnit.MILLISECONDS.toNanos(1) * 1000.0 / requests))
        .collect(Collectors.joining(", "));
  }

  static String kind(String comm) {
    // OkHttp names a dispatcher thread after the call it runs ("OkHttp http://reviews/..."), so
    // the same thread would change kind between two snapshots.
    if (comm.startsWith("OkHttp http")) {
      return "OkHttp Dispatch";
    }
    return comm.replaceAll("[#-]?\\d+$", "").trim();
  }
}
