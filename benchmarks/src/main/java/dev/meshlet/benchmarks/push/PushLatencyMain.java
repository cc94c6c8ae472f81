package dev.meshlet.benchmarks.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.agent.discovery.ApplyOutcome;
import dev.meshlet.agent.discovery.DiscoveryAgent;
import dev.meshlet.agent.discovery.DiscoveryConfig;
import dev.meshlet.core.protocol.ProtocolJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.HdrHistogram.Histogram;

/**
 * Push latency of the discovery server: N real agents ({@link DiscoveryAgent}, each with its own
 * registration and watch stream) in this JVM, one server on loopback in a child JVM ({@link
 * ServerProcess}, whose heap after GC is read before and after the agents connect); each round applies one
 * VirtualService change through the API and times how long until every agent has applied the
 * new version (each ACKs right after). Reports p50 and p99 over the rounds of that
 * "last agent" time, and the median agent's.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.meshlet.benchmarks.push.PushLatencyMain 1000 20</pre>
 */
public final class PushLatencyMain {
  private PushLatencyMain() {}

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path work = Files.createTempDirectory("meshlet-push");
    try (ServerProcess server = ServerProcess.start(work.resolve("data"))) {
      String url = server.url;
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(agents * 2 + 16);
      dispatcher.setMaxRequestsPerHost(agents * 2 + 16);
      OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher)
          .readTimeout(Duration.ofSeconds(60)).build();
      String token = token(http, url, server.adminToken);
      long base = apply(http, url, server.adminToken, 0);
      long heapBefore = server.heapAfterGc();

      // Per agent, every version it applied and when: a push can arrive before the apply's own
      // answer, so the version to wait for is only known afterwards.
      List<ConcurrentLinkedQueue<long[]>> applied = new ArrayList<>(agents);
      for (int i = 0; i < agents; i++) {
        applied.add(new ConcurrentLinkedQueue<>());
      }
      List<DiscoveryAgent> running = java.util.Collections.synchronizedList(new ArrayList<>(agents));
      Duration cpuBeforeConnect = server.cpu();
      long startConnect = System.nanoTime();
      // Agents start together, as the services of a deployment do: registrations arrive concurrently.
      java.util.concurrent.ExecutorService starters = java.util.concurrent.Executors.newFixedThreadPool(8);
      List<java.util.concurrent.Future<?>> started = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        int index = i;
        DiscoveryConfig config = agentConfig(List.of(url), token, i);
        started.add(starters.submit(() -> running.add(DiscoveryAgent.builder(config, view -> {
          applied.get(index).add(new long[] {view.version(), System.nanoTime()});
          return ApplyOutcome.applied();
        }).httpClient(http).start())));
      }
      for (java.util.concurrent.Future<?> f : started) {
        f.get();
      }
      starters.shutdown();
      System.out.printf(Locale.ROOT, "%d agents connected in %.1f s (server CPU %.1f s)%n", agents,
          (System.nanoTime() - startConnect) / 1e9, server.cpu().minus(cpuBeforeConnect).toMillis() / 1000.0);
      Thread.sleep(2000); // let registrations' own pushes settle
      long heapAfter = server.heapAfterGc();
      System.out.printf(Locale.ROOT, "server heap after GC: %.1f MiB before the agents, %.1f MiB with them:"
              + " %.1f MiB per 1,000 agents%n", heapBefore / 1048576.0, heapAfter / 1048576.0,
          (heapAfter - heapBefore) / 1048576.0 * 1000 / agents);

      Duration cpuBeforeRounds = server.cpu();
      Histogram last = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      Histogram median = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      for (int r = 0; r < rounds; r++) {
        applied.forEach(ConcurrentLinkedQueue::clear);
        long t0 = System.nanoTime();
        long version = apply(http, url, server.adminToken, base + r + 1);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        long[] seen = new long[agents];
        int done = 0;
        while (done < agents && System.nanoTime() < deadline) {
          done = 0;
          for (int i = 0; i < agents; i++) {
            if (seen[i] == 0) {
              for (long[] e : applied.get(i)) {
                if (e[0] >= version) {
                  seen[i] = e[1];
                  break;
                }
              }
            }
            done += seen[i] != 0 ? 1 : 0;
          }
          Thread.sleep(1);
        }
        if (done < agents) {
          System.out.printf(Locale.ROOT, "round %d: only %d of %d agents applied version %d within 60 s%n",
              r, done, agents, version);
        }
        long[] lat = new long[agents];
        for (int i = 0; i < agents; i++) {
          lat[i] = seen[i] == 0 ? TimeUnit.SECONDS.toNanos(60) : Math.max(0, seen[i] - t0);
        }
        Arrays.sort(lat);
        last.recordValue(lat[agents - 1] / 1000);
        median.recordValue(lat[agents / 2] / 1000);
        Thread.sleep(200);
      }
      System.out.printf(Locale.ROOT,
          "push to %d agents, %d changes: every agent applied it after p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
              + " the median agent after p50 %.1f ms%n",
          agents, rounds, last.getValueAtPercentile(50) / 1000.0, last.getValueAtPercentile(99) / 1000.0,
          last.getMaxValue() / 1000.0, median.getValueAtPercentile(50) / 1000.0);
      System.out.printf(Locale.ROOT, "server CPU over the rounds: %.0f ms per change (heartbeats included)%n",
          server.cpu().minus(cpuBeforeRounds).toMillis() / (double) rounds);
      for (DiscoveryAgent a : running) {
        a.close();
      }
      dispatcher.executorService().shutdownNow();
      http.connectionPool().evictAll();
    }
  }

  /** The config of simulated agent {@code i}: one workload of service bench, its own address. */
  static DiscoveryConfig agentConfig(List<String> servers, String token, int i) {
    return DiscoveryConfig.builder()
        .servers(servers).token(token)
        .identity("bench", "default", "bench")
        .name("bench-" + i)
        .address("10.1." + (i / 250) + "." + (i % 250 + 1))
        .ports(Map.of("http", 9080))
        .labels(Map.of("app", "bench"))
        .build();
  }

  static String token(OkHttpClient http, String url, String admin) throws IOException {
    Request req = new Request.Builder().url(url + "/v1/tokens").header("Authorization", "Bearer " + admin)
        .post(RequestBody.create(ProtocolJson.write(Map.of("serviceAccount", "bench", "namespace", "default")),
            MediaType.get("application/json"))).build();
    try (Response r = http.newCall(req).execute()) {
      JsonNode json = ProtocolJson.mapper().readTree(r.body().string());
      return json.path("token").asText();
    }
  }

  /** Applies a VirtualService whose timeout changes each round; returns the server's new version. */
  static long apply(OkHttpClient http, String url, String admin, long round) throws IOException {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bench, namespace: default}
        spec:
          hosts: [bench]
          http:
          - route: [{destination: {host: bench}}]
            timeout: %dms
        """.formatted(1000 + round);
    Request req = new Request.Builder().url(url + "/v1/config?source=bench.yaml")
        .header("Authorization", "Bearer " + admin)
        .post(RequestBody.create(yaml, MediaType.get("application/yaml"))).build();
    try (Response r = http.newCall(req).execute()) {
      String body = r.body().string();
      if (r.code() != 200) {
        throw new IllegalStateException("apply: HTTP " + r.code() + " " + body);
      }
      return ProtocolJson.mapper().readTree(body).path("version").asLong();
    }
  }
}
