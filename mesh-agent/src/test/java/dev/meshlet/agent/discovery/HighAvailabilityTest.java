package dev.meshlet.agent.discovery;

import static dev.meshlet.agent.discovery.RecordingListener.has;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.discovery.testing.EtcdCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents and meshes over three discovery replicas that share a real three-member etcd cluster
 * (Debian's etcd-server): one view everywhere, a replica or an etcd member lost without a failed
 * call or a lost change.
 */
class HighAvailabilityTest {
  private static final Duration LEASE_TTL = Duration.ofSeconds(5);
  private static EtcdCluster etcd;

  @TempDir Path tmp;
  private final String prefix = "/t-" + UUID.randomUUID() + "/";
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdCluster.start(3);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  private List<LocalDiscovery> replicas(int n) throws Exception {
    List<LocalDiscovery> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LocalDiscovery d = LocalDiscovery.startOnEtcd(tmp.resolve("replica" + i), etcd.endpoints(), prefix, LEASE_TTL);
      closeLater.add(d);
      out.add(d);
    }
    return out;
  }

  /** The replicas' URLs, starting with replica {@code first}: where the agent connects first. */
  private static List<String> urls(List<LocalDiscovery> replicas, int first) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      out.add(replicas.get((first + i) % replicas.size()).url());
    }
    return out;
  }

  private DiscoveryConfig.Builder settings(DiscoveryConfig.Builder b, List<X509Certificate> roots, String token, List<String> servers) {
    return b.servers(servers)
        .token(token)
        .trustedRoots(roots)
        .streamIdleTimeout(Duration.ofSeconds(1))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .connectTimeout(Duration.ofMillis(500));
  }

  private DiscoveryAgent agent(List<LocalDiscovery> replicas, int first, String token, String name, RecordingListener listener)
      throws IOException {
    DiscoveryConfig config = settings(DiscoveryConfig.builder(), replicas.get(0).roots(), token, urls(replicas, first))
        .identity("productpage", "default", "productpage")
        .name(name)
        .address("10.0.0." + (first + 1))
        .ports(Map.of("http", 9080))
        .labels(Map.of("app", "productpage"))
        .build();
    DiscoveryAgent a = DiscoveryAgent.builder(config, listener).random(new Random(first)).start();
    closeLater.add(a);
    return a;
  }

  @Test
  void aWriteThroughOneReplicaReachesTheAgentsOfEveryOtherAtTheSameVersion() throws Exception {
    List<LocalDiscovery> r = replicas(3);
    String token = r.get(0).token("productpage", "default");
    List<DiscoveryAgent> agents = new ArrayList<>();
    List<RecordingListener> listeners = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingListener l = new RecordingListener();
      listeners.add(l);
      agents.add(agent(r, i, token, "productpage-" + i, l));
      l.await(v -> true);
      assertThat(agents.get(i).status().server()).isEqualTo(r.get(i).url());
    }

    long version = r.get(1).apply(DiscoveryAgentTest.REVIEWS_VS);
    for (int i = 0; i < 3; i++) {
      assertThat(listeners.get(i).await(v -> has(v, "VirtualService", "reviews")).version()).isEqualTo(version);
      LocalDiscovery own = r.get(i);
      String lease = agents.get(i).status().leaseId();
      eventually("replica " + i + " shows its agent SYNCED at " + version, () -> own.statusOf(lease)
          .filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() == version).isPresent());
    }
  }

  @Test
  void killingAReplicaUnderTrafficFailsNoCallAndItsAgentsMoveOnAndStaySynced() throws Exception {
    List<LocalDiscovery> r = replicas(3);
    List<X509Certificate> roots = r.get(0).roots();
    HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext("/", ex -> {
      byte[] body = "reviews".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    backend.start();
    closeLater.add(() -> backend.stop(0));
    int port = backend.getAddress().getPort();

    String reviewsToken = r.get(0).token("reviews", "default");
    String pageToken = r.get(0).token("productpage", "default");
    DiscoveryAgentSource reviewsSource = DiscoveryAgentSource.of(b -> settings(b, roots, reviewsToken, urls(r, 0)));
    Mesh reviews = Mesh.builder(ServiceIdentity.of("reviews").withPort("http", port)).address("127.0.0.1")
        .mtls(false).discovery(reviewsSource).build();
    closeLater.add(reviews);
    DiscoveryAgentSource pageSource = DiscoveryAgentSource.of(b -> settings(b, roots, pageToken, urls(r, 0)));
    Mesh page = Mesh.builder(ServiceIdentity.of("productpage").withPort("http", 9080)).address("127.0.0.1")
        .mtls(false).discovery(pageSource).build();
    closeLater.add(page);
    assertThat(page.awaitReady(Duration.ofSeconds(10))).as("ready: waiting for %s", page.waitingFor()).isTrue();
    OkHttpClient client = page.httpClient(b -> b.callTimeout(Duration.ofSeconds(2)));
    String url = "http://reviews:" + port + "/";
    eventually("productpage reaches reviews through the mesh", () -> call(client, url) == null);

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    Thread traffic = new Thread(() -> {
      while (running.get()) {
        String error = call(client, url);
        if (error == null) {
          ok.incrementAndGet();
        } else {
          failed.add(error);
        }
      }
    }, "traffic");
    traffic.start();
    try {
      eventually("traffic flows", () -> ok.get() > 20);
      assertThat(pageSource.status().server()).isEqualTo(r.get(0).url());
      r.get(0).stop(); // both agents were on it

      eventually("productpage's agent moved to another replica", () -> {
        DiscoveryStatus s = pageSource.status();
        return s.connected() && !s.server().equals(r.get(0).url());
      });
      eventually("reviews' agent moved to another replica", () -> {
        DiscoveryStatus s = reviewsSource.status();
        return s.connected() && !s.server().equals(r.get(0).url());
      });
      // Config keeps flowing: a change through the third replica reaches the mesh, which stays SYNCED.
      long version = r.get(2).apply(DiscoveryAgentTest.REVIEWS_DR);
      eventually("the mesh applied the DestinationRule", () -> page.config()
          .get(new ResourceId(Kind.DESTINATION_RULE, "default", "reviews")).isPresent());
      String lease = pageSource.status().leaseId();
      eventually("productpage SYNCED at " + version + " on the replicas that are up", () -> r.get(1).statusOf(lease)
          .filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() >= version).isPresent()
          || r.get(2).statusOf(lease).filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() >= version).isPresent());
      // Past a whole lease term after the kill: the leases were renewed through the other replicas.
      int before = ok.get();
      Thread.sleep(LEASE_TTL.toMillis() + 500);
      assertThat(ok.get()).isGreaterThan(before);
    } finally {
      running.set(false);
      traffic.join();
    }
    assertThat(failed).as("failed calls").isEmpty();
    assertThat(r.get(1).status()).extracting(s -> s.service()).contains("reviews", "productpage");
  }

  @Test
  void killingAnEtcdMemberKeepsWritesAndPushesGoing() throws Exception {
    List<LocalDiscovery> r = replicas(2);
    String token = r.get(0).token("productpage", "default");
    RecordingListener l0 = new RecordingListener();
    RecordingListener l1 = new RecordingListener();
    agent(r, 0, token, "productpage-0", l0);
    agent(r, 1, token, "productpage-1", l1);
    l0.await(v -> true);
    l1.await(v -> true);

    etcd.kill(0);
    try {
      long last = 0;
      for (int i = 0; i < 4; i++) {
        last = r.get(i % 2).apply(DiscoveryAgentTest.REVIEWS_VS.replace("name: reviews", "name: reviews" + i));
      }
      long version = last;
      assertThat(l0.await(v -> v.version() >= version).resources()).hasSize(4);
      assertThat(l1.await(v -> v.version() >= version).resources()).hasSize(4);
    } finally {
      etcd.restart(0);
    }
  }

  /** One call through the mesh; null when it answered 200, else what went wrong. */
  private static String call(OkHttpClient client, String url) {
    try (Response resp = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return resp.code() == 200 ? null : "HTTP " + resp.code() + " " + resp.body().string();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void eventually(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
