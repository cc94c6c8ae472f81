package dev.meshlet.benchmarks.push;

import dev.meshlet.agent.discovery.ApplyOutcome;
import dev.meshlet.agent.discovery.DiscoveryAgent;
import dev.meshlet.agent.discovery.DiscoveryConfig;
import dev.meshlet.discovery.api.DiscoveryServer;
import dev.meshlet.discovery.testing.EtcdCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.HdrHistogram.Histogram;

/**
 * Push latency with the control plane on etcd: a real three-member etcd cluster (Debian's
 * etcd-server, started as the tests start it), three discovery replicas over it, and N real
 * agents spread evenly over the replicas (agent i connects to replica i mod 3 first). Each round
 * applies one VirtualService change through one replica (in turn) and times until every agent,
 * on every replica, has applied it: the etcd write, the watch to all three replicas and their
 * pushes. Reports p50/p99 of that "last agent" time and the median agent's.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.meshlet.benchmarks.push.HaPushLatencyMain 1000 10</pre>
 */
public final class HaPushLatencyMain {
  private static final int REPLICAS = 3;

  private HaPushLatencyMain() {}

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String prefix = "/bench-" + UUID.randomUUID() + "/";
    List<DiscoveryServer> replicas = new ArrayList<>();
    List<DiscoveryAgent> running = new ArrayList<>(agents);
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(agents * 2 + 16);
    dispatcher.setMaxRequestsPerHost(agents * 2 + 16);
    OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(Duration.ofSeconds(60)).build();
    EtcdCluster etcd = EtcdCluster.start(3);
    try {
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < REPLICAS; i++) {
        DiscoveryServer s = DiscoveryServer.builder(Files.createTempDirectory("meshlet-ha-push"))
            .port(0).tls(false).etcd(etcd.endpoints()).etcdPrefix(prefix).start();
        replicas.add(s);
        urls.add("http://127.0.0.1:" + s.port());
      }
      String admin = replicas.get(0).adminToken();
      String token = PushLatencyMain.token(http, urls.get(0), admin);
      long base = PushLatencyMain.apply(http, urls.get(0), admin, 0);

      // Per agent, the highest version applied and when (a push may beat the apply's own answer).
      AtomicLongArray version = new AtomicLongArray(agents);
      AtomicLongArray at = new AtomicLongArray(agents);
      long startConnect = System.nanoTime();
      for (int i = 0; i < agents; i++) {
        int index = i;
        List<String> order = new ArrayList<>();
        for (int k = 0; k < REPLICAS; k++) {
          order.add(urls.get((i + k) % REPLICAS));
        }
        DiscoveryConfig config = PushLatencyMain.agentConfig(order, token, i);
        running.add(DiscoveryAgent.builder(config, view -> {
          at.set(index, System.nanoTime());
          version.set(index, view.version());
          return ApplyOutcome.applied();
        }).httpClient(http).start());
      }
      System.out.printf(Locale.ROOT, "%d agents over %d replicas connected in %.1f s%n", agents, REPLICAS,
          (System.nanoTime() - startConnect) / 1e9);
      Thread.sleep(2000); // let registrations' own pushes settle

      Histogram last = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      Histogram median = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        int through = r % REPLICAS;
        long v = PushLatencyMain.apply(http, urls.get(through), admin, base + r + 1);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        long[] lat = new long[agents];
        int done = 0;
        while (done < agents && System.nanoTime() < deadline) {
          done = 0;
          for (int i = 0; i < agents; i++) {
            if (lat[i] == 0 && version.get(i) >= v) {
              lat[i] = Math.max(1, at.get(i) - t0);
            }
            done += lat[i] != 0 ? 1 : 0;
          }
          Thread.sleep(1);
        }
        if (done < agents) {
          System.out.printf(Locale.ROOT, "round %d: only %d of %d agents applied version %d within 60 s%n", r, done, agents, v);
          for (int i = 0; i < agents; i++) {
            lat[i] = lat[i] == 0 ? TimeUnit.SECONDS.toNanos(60) : lat[i];
          }
        }
        Arrays.sort(lat);
        last.recordValue(lat[agents - 1] / 1000);
        median.recordValue(lat[agents / 2] / 1000);
        Thread.sleep(200);
      }
      System.out.printf(Locale.ROOT,
          "push over etcd to %d agents on %d replicas, %d changes: every agent applied it after p50 %.1f ms,"
              + " p99 %.1f ms, max %.1f ms; the median agent after p50 %.1f ms%n",
          agents, REPLICAS, rounds, last.getValueAtPercentile(50) / 1000.0, last.getValueAtPercentile(99) / 1000.0,
          last.getMaxValue() / 1000.0, median.getValueAtPercentile(50) / 1000.0);
    } finally {
      running.forEach(DiscoveryAgent::close);
      for (DiscoveryServer s : replicas) {
        s.close();
      }
      etcd.close(); // last: the agents' deregistrations and the replicas' closing still need it
      dispatcher.executorService().shutdownNow();
      http.connectionPool().evictAll();
    }
  }
}
