package dev.meshlet.benchmarks.server;

import dev.meshlet.benchmarks.load.ClosedLoop;
import dev.meshlet.benchmarks.load.Jit;
import dev.meshlet.benchmarks.load.OkHttpSender;
import dev.meshlet.benchmarks.load.OpenLoop;
import dev.meshlet.benchmarks.load.Ticker;
import dev.meshlet.benchmarks.scenario.BenchEnvironment;
import dev.meshlet.benchmarks.scenario.Deployment;
import dev.meshlet.benchmarks.scenario.Scenario;
import dev.meshlet.benchmarks.scenario.Scenarios;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;

/**
 * Warms every server path of the bench server before any scenario is measured, so that no
 * scenario pays for the server's JIT and TLS warm-up and the others do not: each direct
 * scenario's own client (raw, raw JSSE mTLS, Meshlet plain and mTLS) runs a closed loop at the
 * harness's concurrency against this process's ports. The sidecar scenario reaches the same
 * plaintext port as raw. Cold, Meshlet's Jetty adapter answered 16 concurrent connections
 * slowly enough (tens of requests a second) that its first scenario measured the warm-up. Each
 * path warms at least {@code millisEach}, then until the rate is steady and this JVM's JIT quiet
 * ({@link ClosedLoop}), at most twice as long.
 */
final class ServerWarmup {
  private ServerWarmup() {}

  static void run(BenchEnvironment env, long millisEach, int concurrency) {
    for (Scenario scenario : Scenarios.all()) {
      if (scenario.name().equals("sidecar") || (scenario.name().startsWith("meshlet") && env.meshletPlainPort() == 0)) {
        continue;
      }
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(concurrency);
      dispatcher.setMaxRequestsPerHost(concurrency);
      ConnectionPool pool = new ConnectionPool(concurrency, 20, TimeUnit.SECONDS);
      OkHttpClient base = new OkHttpClient.Builder().dispatcher(dispatcher).connectionPool(pool)
          .protocols(List.of(Protocol.HTTP_1_1)).retryOnConnectionFailure(false).callTimeout(10, TimeUnit.SECONDS)
          .build();
      long started = System.nanoTime();
      try (scenario; Deployment deployment = scenario.deploy(env)) {
        OkHttpSender sender = new OkHttpSender(scenario.client(base, env), new Request.Builder().url(deployment.url()).build());
        ClosedLoop.Result result = new ClosedLoop(Ticker.SYSTEM, Jit::compileMillis).run(sender, concurrency,
            TimeUnit.MILLISECONDS.toNanos(millisEach), TimeUnit.MILLISECONDS.toNanos(2 * millisEach),
            TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(10), OpenLoop.PhaseListener.NONE);
        System.err.printf("[warm-up] %s: %.0f rps after %d ms (%d errors)%s%n", scenario.name(), result.requestsPerSecond(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), result.errors(),
            result.jitQuiet() ? "" : ", JIT still compiling");
      } catch (Exception e) {
        System.err.println("[warm-up] " + scenario.name() + " failed: " + e);
      } finally {
        dispatcher.executorService().shutdownNow();
        pool.evictAll();
      }
    }
  }
}
