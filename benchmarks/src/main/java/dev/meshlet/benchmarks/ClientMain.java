package dev.meshlet.benchmarks;

import dev.meshlet.benchmarks.load.ClosedLoop;
import dev.meshlet.benchmarks.load.CostSnapshot;
import dev.meshlet.benchmarks.load.Jit;
import dev.meshlet.benchmarks.load.OkHttpSender;
import dev.meshlet.benchmarks.load.OpenLoop;
import dev.meshlet.benchmarks.load.Percentiles;
import dev.meshlet.benchmarks.load.ProcFs;
import dev.meshlet.benchmarks.load.ThreadCpu;
import dev.meshlet.benchmarks.load.Ticker;
import dev.meshlet.benchmarks.report.BenchReport;
import dev.meshlet.benchmarks.report.ScenarioResult;
import dev.meshlet.benchmarks.scenario.BenchEnvironment;
import dev.meshlet.benchmarks.scenario.Scenario;
import dev.meshlet.benchmarks.scenario.Scenarios;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The measured client process of one scenario: one OkHttpClient, a throughput phase at a fixed
 * concurrency (closed model) then a latency phase at a fixed rate (open model), each after its
 * own warm-up. It prints the scenario's result as one JSON line on stdout. Its own process
 * is what "client CPU and memory" measure, so it runs nothing else.
 */
public final class ClientMain {
  /**
   * Appended to "ok" when the fixed rate is over half the measured maximum: the figures are real
   * but include queueing, so they do not compare with a run below saturation.
   */
  static final String JIT_NOTE = " (JIT still compiling when the warm-up hit its maximum)";
  static final String SATURATION_NOTE = " (near saturation: max_rps under twice the fixed rate)";

  /** Prefix of the client's log line that says where its CPU went, by thread. */
  public static final String CPU_BY_THREAD = "[cpu-by-thread] ";
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

  private ClientMain() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, Set.of(), Set.of("--scenario", "--url", "--work", "--pki", "--plain-port",
        "--mtls-port", "--haproxy", "--meshlet-plain-port", "--meshlet-mtls-port", "--rate", "--concurrency", "--warmup-ms", "--measure-ms", "--tput-warmup-ms",
        "--tput-max-warmup-ms", "--tput-measure-ms", "--server-pid", "--proxy-pids"));
    Scenario scenario = Scenarios.named(args.require("--scenario"));
    BenchEnvironment env = new BenchEnvironment(Path.of(args.require("--work")), Path.of(args.require("--pki")),
        (int) args.getLong("--plain-port", 0), (int) args.getLong("--mtls-port", 0), args.get("--haproxy", "haproxy"),
        (int) args.getLong("--meshlet-plain-port", 0), (int) args.getLong("--meshlet-mtls-port", 0));
    double rate = Double.parseDouble(args.require("--rate"));
    int concurrency = (int) args.getLong("--concurrency", 16);
    long serverPid = args.getLong("--server-pid", -1);
    List<Long> proxyPids = args.get("--proxy-pids", "").isEmpty() ? List.of()
        : Arrays.stream(args.require("--proxy-pids").split(",")).map(Long::parseLong).toList();
    List<Long> others = new ArrayList<>();
    others.add(serverPid);
    others.addAll(proxyPids);
    int[] proxyIndexes = new int[proxyPids.size()];
    Arrays.setAll(proxyIndexes, i -> i + 1);

    Dispatcher dispatcher = new Dispatcher();
    // Raised from OkHttp's 5 per host to the fixed concurrency, and no further: with HTTP/1.1 every
    // call in flight holds a connection, so this also fixes the number of connections (as wrk2's
    // -c does). Without the bound, a stall at a fixed rate opens a connection, a TLS handshake
    // included, per late request, and the handshakes make the stall worse. Requests beyond it wait
    // in the dispatcher, and the open model charges that wait to them.
    dispatcher.setMaxRequests(concurrency);
    dispatcher.setMaxRequestsPerHost(concurrency);
    // Idle connections close on the client's side first (20 s, under Jetty's and HAProxy's 60 s),
    // as a client's keep-alive must: otherwise a connection left idle through a long fixed-rate
    // phase is closed by the server and the request that picks it fails (retries are off).
    ConnectionPool pool = new ConnectionPool(concurrency, 20, TimeUnit.SECONDS);
    OkHttpClient base = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(pool)
        .protocols(List.of(Protocol.HTTP_1_1))
        .retryOnConnectionFailure(false)
        .callTimeout(10, TimeUnit.SECONDS)
        .build();
    OkHttpClient client = scenario.client(base, env);
    Request request = new Request.Builder().url(args.require("--url")).build();
    OkHttpSender sender = new OkHttpSender(client, request);

    // Throughput first: its warm-up at full concurrency compiles the hot path and opens the pool's
    // connections (TLS handshakes included), so the fixed-rate phase measures a steady client.
    CostSnapshot[] throughputPhase = new CostSnapshot[2];
    ClosedLoop.Result closed = new ClosedLoop(Ticker.SYSTEM, Jit::compileMillis).run(sender, concurrency,
        TimeUnit.MILLISECONDS.toNanos(args.getLong("--tput-warmup-ms", 3_000)),
        TimeUnit.MILLISECONDS.toNanos(args.getLong("--tput-max-warmup-ms", 15_000)),
        TimeUnit.MILLISECONDS.toNanos(args.getLong("--tput-measure-ms", 5_000)), DRAIN_NANOS,
        new OpenLoop.PhaseListener() {
          @Override
          public void measureStarted() {
            throughputPhase[0] = CostSnapshot.take(others);
          }

          @Override
          public void measureEnded() {
            throughputPhase[1] = CostSnapshot.take(others);
          }
        });

    CostSnapshot[] latencyPhase = new CostSnapshot[2];
    List<Map<String, Long>> latencyThreads = new ArrayList<>(2);
    List<Map<String, Long>> serverThreads = new ArrayList<>(2);
    OpenLoop.Result open = new OpenLoop(Ticker.SYSTEM).run(sender, rate,
        TimeUnit.MILLISECONDS.toNanos(args.getLong("--warmup-ms", 5_000)),
        TimeUnit.MILLISECONDS.toNanos(args.getLong("--measure-ms", 10_000)), DRAIN_NANOS,
        new OpenLoop.PhaseListener() {
          @Override
          public void measureStarted() {
            latencyPhase[0] = CostSnapshot.take(others);
            latencyThreads.add(ThreadCpu.snapshot("self"));
            serverThreads.add(ThreadCpu.snapshot(Long.toString(others.get(0))));
          }

          @Override
          public void measureEnded() {
            latencyPhase[1] = CostSnapshot.take(others);
            latencyThreads.add(ThreadCpu.snapshot("self"));
            serverThreads.add(ThreadCpu.snapshot(Long.toString(others.get(0))));
          }
        });
    Percentiles latency = Percentiles.of(open.latencyNanos());
    Percentiles lag = Percentiles.of(open.sendLagNanos());
    long measured = latency.count();
    if (latencyThreads.size() == 2) {
      // Where the client's CPU went at the fixed rate (BenchmarkMain echoes this line).
      System.err.println(CPU_BY_THREAD + "client ms/1k at the fixed rate: "
          + ThreadCpu.perThousand(latencyThreads.get(0), latencyThreads.get(1), measured));
      System.err.println(CPU_BY_THREAD + "server ms/1k at the fixed rate: "
          + ThreadCpu.perThousand(serverThreads.get(0), serverThreads.get(1), measured));
    }
    CostSnapshot before = latencyPhase[0];
    CostSnapshot after = latencyPhase[1];
    Long proxyRss = null;
    if (!proxyPids.isEmpty()) {
      long sum = 0;
      for (long pid : proxyPids) {
        sum += ProcFs.statusKb(Long.toString(pid), "VmHWM");
      }
      proxyRss = sum;
    }
    double maxRps = round(closed.requestsPerSecond(), 0);
    ScenarioResult result;
    if (open.unfinished() > 0) {
      // Latencies of the answered requests alone would understate: report none.
      result = withThroughput(ScenarioResult.failed(open.unfinished() + " requests of the fixed-rate phase"
          + " unanswered after the drain (rate above what this scenario sustains here?)"), maxRps, closed, concurrency);
    } else if (measured == 0) {
      result = withThroughput(ScenarioResult.failed("no request of the fixed-rate phase succeeded ("
          + open.errors() + " failed; see the client's log)"), maxRps, closed, concurrency);
    } else {
      result = new ScenarioResult(
          maxRps < 2 * rate ? "ok" + SATURATION_NOTE : closed.jitQuiet() ? ScenarioResult.OK : "ok" + JIT_NOTE,
          latency.p50Us(), latency.p90Us(), latency.p99Us(), latency.p999Us(), latency.maxUs(),
          maxRps, rate, measured, open.errors() + closed.errors(), concurrency,
          perThousandMs(after.cpuSince(before), measured),
          measured == 0 ? null : round((double) after.allocatedSince(before) / measured, 0),
          ProcFs.statusKb("self", "VmHWM"),
          perThousandMs(throughputPhase[1].cpuSince(throughputPhase[0]), closed.completed()),
          perThousandMs(after.otherCpuSince(before, 0), measured),
          proxyPids.isEmpty() ? null : perThousandMs(after.otherCpuSince(before, proxyIndexes), measured),
          proxyPids.isEmpty() ? null
              : perThousandMs(throughputPhase[1].otherCpuSince(throughputPhase[0], proxyIndexes), closed.completed()),
          proxyRss, lag.p99Us(), round(closed.warmupNanos() / 1e9, 1), sender.tls());
    }
    System.out.println(BenchReport.toJson(result));
    System.out.flush();
    dispatcher.executorService().shutdownNow();
    pool.evictAll();
    System.exit(0);
  }

  private static ScenarioResult withThroughput(ScenarioResult failed, double maxRps, ClosedLoop.Result closed,
      int concurrency) {
    return new ScenarioResult(failed.status(), null, null, null, null, null, maxRps, null, null, closed.errors(),
        concurrency, null, null, ProcFs.statusKb("self", "VmHWM"), null, null, null, null, null, null,
        round(closed.warmupNanos() / 1e9, 1), null);
  }

  private static @Nullable Double perThousandMs(long nanos, long requests) {
    return nanos < 0 || requests == 0 ? null : round(nanos / 1e6 / (requests / 1000.0), 2);
  }

  private static Double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
