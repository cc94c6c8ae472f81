package dev.meshlet.benchmarks.push;

import dev.meshlet.discovery.api.DiscoveryServer;
import dev.meshlet.discovery.testing.EtcdCluster;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Config write throughput through the API: W writer threads apply one VirtualService change
 * after another (each its own resource), acknowledged only once durable, for S one-second
 * windows; reports the median window's applies per second. {@code embedded}: one server on its
 * data directory (fsync per change). {@code etcd}: three replicas over a real three-member etcd
 * (one transaction per apply, acknowledged once the replica's watch has it), writers spread over
 * the replicas.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.meshlet.benchmarks.push.StoreWriteThroughputMain etcd 8 10</pre>
 */
public final class StoreWriteThroughputMain {
  private StoreWriteThroughputMain() {}

  public static void main(String[] args) throws Exception {
    String store = args.length > 0 ? args[0] : "etcd";
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    if (!store.equals("etcd") && !store.equals("embedded")) {
      throw new IllegalArgumentException("store: " + store + " (expected: etcd or embedded)");
    }
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(writers * 2);
    dispatcher.setMaxRequestsPerHost(writers * 2);
    OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    List<DiscoveryServer> servers = new ArrayList<>();
    EtcdCluster etcd = store.equals("etcd") ? EtcdCluster.start(3) : null;
    try {
      int n = etcd == null ? 1 : 3;
      String prefix = "/bench-" + UUID.randomUUID() + "/";
      for (int i = 0; i < n; i++) {
        DiscoveryServer.Builder b = DiscoveryServer.builder(Files.createTempDirectory("meshlet-write")).port(0).tls(false);
        if (etcd != null) {
          b.etcd(etcd.endpoints()).etcdPrefix(prefix);
        }
        servers.add(b.start());
      }
      String admin = servers.get(0).adminToken();
      AtomicLong applies = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String url = "http://127.0.0.1:" + servers.get(w % n).port();
        int writer = w;
        Thread t = new Thread(() -> {
          long round = 0;
          while (running.get()) {
            try {
              PushLatencyMain.apply(http, url, admin, writer * 1_000_000L + round++);
              applies.incrementAndGet();
            } catch (Exception e) {
              System.out.println("writer " + writer + ": " + e.getMessage());
              return;
            }
          }
        }, "writer-" + w);
        threads.add(t);
        t.start();
      }
      Thread.sleep(1000); // warm-up
      double[] perSecond = new double[seconds];
      for (int s = 0; s < seconds; s++) {
        long before = applies.get();
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        perSecond[s] = (applies.get() - before) / ((System.nanoTime() - t0) / 1e9);
      }
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
      Arrays.sort(perSecond);
      System.out.printf(Locale.ROOT, "%s store, %d writers over %d server(s): median %.0f applies/s (min %.0f, max %.0f over %d s)%n",
          store, writers, n, perSecond[seconds / 2], perSecond[0], perSecond[seconds - 1], seconds);
    } finally {
      for (DiscoveryServer s : servers) {
        s.close();
      }
      if (etcd != null) {
        etcd.close();
      }
      dispatcher.executorService().shutdownNow();
    }
  }
}
