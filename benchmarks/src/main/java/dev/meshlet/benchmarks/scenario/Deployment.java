package dev.meshlet.benchmarks.scenario;

import java.util.List;

/**
 * What a scenario started before the client runs: the URL the client calls, the processes
 * between client and server (measured as proxies) and how to stop them.
 */
public record Deployment(String url, List<Long> proxyPids, AutoCloseable stop) implements AutoCloseable {
  public Deployment {
    proxyPids = List.copyOf(proxyPids);
  }

  /** A scenario with nothing to start: the client calls {@code url} directly. */
  public static Deployment direct(String url) {
    return new Deployment(url, List.of(), () -> {});
  }

  @Override
  public void close() throws Exception {
    stop.close();
  }
}
