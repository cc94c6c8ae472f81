package dev.meshlet.agent.discovery;

import static dev.meshlet.agent.discovery.RecordingListener.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.protocol.ProxyStatus;
import dev.meshlet.core.protocol.SyncStatus;
import dev.meshlet.discovery.cli.Meshctl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real discovery server started in this JVM. */
class DiscoveryAgentTest {
  static final String REVIEWS_VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
      """;
  static final String REVIEWS_DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
      """;
  static final String BAD_VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: bad, namespace: default}
      spec:
        hosts: [ratings]
        http:
        - route:
          - destination: {host: ratings}
      """;

  @TempDir Path tmp;
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  private LocalDiscovery server(String name) throws Exception {
    LocalDiscovery d = LocalDiscovery.start(tmp.resolve(name));
    closeLater.add(d);
    return d;
  }

  private DiscoveryConfig.Builder config(LocalDiscovery trusted, String token, String... servers) throws IOException {
    return DiscoveryConfig.builder()
        .trustedRoots(trusted.data.resolve("ca").toFile().isDirectory() ? trusted.roots() : List.of())
        .servers(servers)
        .token(token)
        .identity("productpage", "default", "productpage")
        .address("10.0.0.1")
        .ports(Map.of("http", 9080))
        .labels(Map.of("app", "productpage", "version", "v1"))
        .streamIdleTimeout(Duration.ofSeconds(1))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .connectTimeout(Duration.ofMillis(500));
  }

  private DiscoveryAgent agent(DiscoveryConfig config, CentralConfigListener listener) {
    DiscoveryAgent a = DiscoveryAgent.builder(config, listener).random(new Random(7)).start();
    closeLater.add(a);
    return a;
  }

  private static void eventually(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static int meshctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Meshctl.run(new PrintWriter(out), new PrintWriter(err), args);
    if (code != Meshctl.OK) {
      throw new AssertionError("meshctl " + String.join(" ", args) + " exited " + code + ": " + err);
    }
    return code;
  }

  @Test
  void registersAndReceivesTheFullViewThenADeltaAfterAMeshctlApply() throws Exception {
    LocalDiscovery server = server("data");
    server.apply(REVIEWS_VS);
    RecordingListener listener = new RecordingListener();
    DiscoveryAgent agent = agent(config(server, server.token("productpage", "default"), server.url()).build(), listener);

    CentralView full = listener.await(v -> has(v, "VirtualService", "reviews") && !v.endpoints().isEmpty());
    assertThat(full.origin()).isEqualTo(CentralView.Origin.SERVER);
    assertThat(full.workloads()).anySatisfy(w -> {
      assertThat(w.service()).isEqualTo("productpage");
      assertThat(w.address()).isEqualTo("10.0.0.1");
      assertThat(w.labels()).containsEntry("version", "v1");
    });

    Path rules = Files.writeString(tmp.resolve("dr.yaml"), REVIEWS_DR);
    meshctl("apply", "-f", rules.toString(), "--data", server.data.toString());
    long version = server.version();

    CentralView delta = listener.await(v -> has(v, "DestinationRule", "reviews"));
    assertThat(delta.version()).isEqualTo(version);
    assertThat(has(delta, "VirtualService", "reviews")).as("a delta keeps what it does not touch").isTrue();
    String lease = agent.status().leaseId();
    eventually("the server shows the agent SYNCED at " + version, () -> server.statusOf(lease)
        .filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() == version).isPresent());
  }

  @Test
  void anUpdateTheAgentCannotApplyIsNackedShowsNackedAndTheLastGoodViewStays() throws Exception {
    LocalDiscovery server = server("data");
    server.apply(REVIEWS_VS);
    RecordingListener listener = new RecordingListener();
    listener.refuseWhen(v -> has(v, "VirtualService", "bad"));
    DiscoveryAgent agent = agent(config(server, server.token("productpage", "default"), server.url()).build(), listener);
    CentralView good = listener.await(v -> has(v, "VirtualService", "reviews"));

    long bad = server.apply(BAD_VS);
    String lease = agent.status().leaseId();
    eventually("the server shows the agent NACKED at " + bad, () -> server.statusOf(lease)
        .filter(s -> s.status() == SyncStatus.NACKED && s.versionSent() == bad).isPresent());
    ProxyStatus nacked = server.statusOf(lease).orElseThrow();
    assertThat(nacked.lastNack()).contains("VirtualService default/bad").contains("cannot compile");
    assertThat(nacked.versionAcked()).isLessThan(bad);
    assertThat(listener.current()).isSameAs(good);
    assertThat(agent.view()).containsSame(good);
    assertThat(agent.status().lastError()).contains("cannot compile");

    // Fixing it (here: removing it) brings the agent back to SYNCED on the newest version.
    long fixed = server.call("DELETE", "/v1/config/vs/default/bad", null).json().path("version").asLong();
    listener.await(v -> v.version() == fixed);
    eventually("SYNCED at " + fixed, () -> server.statusOf(lease)
        .filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() == fixed).isPresent());
  }

  @Test
  void aRefusedChangeIsNotLostAndIsAppliedWholeOnceALaterEventMakesTheViewGood() throws Exception {
    LocalDiscovery server = server("data");
    RecordingListener listener = new RecordingListener();
    // As a compile step that needs the DestinationRule a route refers to.
    listener.refuseWhen(v -> has(v, "VirtualService", "bad") && !has(v, "DestinationRule", "ratings"));
    DiscoveryAgent agent = agent(config(server, server.token("productpage", "default"), server.url()).build(), listener);
    agent.awaitView(Duration.ofSeconds(5));

    long refused = server.apply(BAD_VS);
    String lease = agent.status().leaseId();
    eventually("NACKED at " + refused, () -> server.statusOf(lease).filter(s -> s.status() == SyncStatus.NACKED).isPresent());

    // The next delta carries only the DestinationRule; the VirtualService it needed arrived before.
    long fixed = server.apply(REVIEWS_DR.replace("reviews", "ratings"));
    CentralView whole = listener.await(v -> v.version() == fixed);
    assertThat(has(whole, "VirtualService", "bad")).isTrue();
    assertThat(has(whole, "DestinationRule", "ratings")).isTrue();
    eventually("SYNCED at " + fixed, () -> server.statusOf(lease)
        .filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() == fixed).isPresent());
  }

  @Test
  void aViewThatDoesNotValidateIsNackedWithWhereAndWhy() throws Exception {
    // The agent judges the resources itself, as it judges local files: a DestinationRule without a
    // host cannot come from this server, so the test hands the agent's state one directly.
    CentralState state = new CentralState();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.meshlet.core.protocol.ProtocolJson.mapper().readTree("""
        {"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"r","namespace":"default"},
         "spec":{"trafficPolicy":{"loadBalancer":{"simple":"NOPE"}}}}""");
    CentralState.Judged judged = state.receive(new dev.meshlet.core.protocol.WatchEvent(
        dev.meshlet.core.protocol.WatchEvent.Type.FULL, 5, List.of(tree), List.of(), List.of(), List.of()), "http://s");
    assertThat(judged.valid()).isFalse();
    assertThat(judged.errors()).contains("http://s@5").contains("DestinationRule default/r");
  }

  @Test
  void convergesAfterTheServerRestartsOnTheSameDataDirectory() throws Exception {
    LocalDiscovery server = server("data");
    server.apply(REVIEWS_VS);
    RecordingListener listener = new RecordingListener();
    DiscoveryAgent agent = agent(config(server, server.token("productpage", "default"), server.url()).build(), listener);
    listener.await(v -> has(v, "VirtualService", "reviews"));
    String lease = agent.status().leaseId();

    server.stop();
    eventually("the agent notices the stream is gone", () -> !agent.status().connected());
    assertThat(listener.current()).satisfies(v -> assertThat(has(v, "VirtualService", "reviews")).isTrue());

    server.startAgain();
    long version = server.apply(REVIEWS_DR);
    listener.await(v -> has(v, "DestinationRule", "reviews") && has(v, "VirtualService", "reviews"));
    eventually("SYNCED at " + version + " after the restart", () -> server.status().stream()
        .anyMatch(s -> s.service().equals("productpage") && s.status() == SyncStatus.SYNCED && s.versionAcked() == version));
    assertThat(agent.status().leaseId()).as("the stored registration outlives the restart").isEqualTo(lease);
  }

  @Test
  void keepsTheLastViewWhileTheServerIsDownAndANewAgentStartsFromTheDiskCache() throws Exception {
    LocalDiscovery server = server("data");
    server.apply(REVIEWS_VS);
    server.apply(REVIEWS_DR);
    Path cache = tmp.resolve("cache");
    DiscoveryConfig config = config(server, server.token("productpage", "default"), server.url()).cacheDirectory(cache).build();
    RecordingListener first = new RecordingListener();
    DiscoveryAgent running = agent(config, first);
    CentralView served = first.await(v -> has(v, "DestinationRule", "reviews"));
    eventually("the view is on disk", () -> Files.exists(cache.resolve("central-view-default-productpage.json")));

    server.stop();
    eventually("the running agent notices", () -> !running.status().connected());
    assertThat(running.view()).containsSame(served);

    // A restart of the service while the control plane is down.
    RecordingListener second = new RecordingListener();
    DiscoveryAgent restarted = agent(config, second);
    CentralView fromDisk = restarted.awaitView(Duration.ofSeconds(5));
    assertThat(fromDisk.origin()).isEqualTo(CentralView.Origin.DISK_CACHE);
    assertThat(fromDisk.version()).isEqualTo(served.version());
    assertThat(fromDisk.resources()).containsExactlyInAnyOrderElementsOf(served.resources());
    assertThat(fromDisk.endpoints()).containsExactlyInAnyOrderElementsOf(served.endpoints());
    assertThat(restarted.status().origin()).isEqualTo(CentralView.Origin.DISK_CACHE);
    assertThat(restarted.status().connected()).isFalse();

    // When the server is back, the restarted agent registers and takes the server's view.
    server.startAgain();
    CentralView live = second.await(v -> v.origin() == CentralView.Origin.SERVER);
    assertThat(live.resources()).containsExactlyInAnyOrderElementsOf(served.resources());
  }

  @Test
  void aTokenForServiceACannotRegisterAsB() throws Exception {
    LocalDiscovery server = server("data");
    String tokenOfReviews = server.token("reviews", "default");
    DiscoveryConfig asProductpage = config(server, tokenOfReviews, server.url()).build();
    assertThatThrownBy(() -> DiscoveryAgent.builder(asProductpage, new RecordingListener()).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused the registration of default/productpage")
        .hasMessageContaining("403")
        .hasMessageContaining("cluster.local/ns/default/sa/reviews");
    assertThat(server.status()).isEmpty();
    assertThat(agentThreads()).isEmpty();
  }

  @Test
  void failsOverToTheNextServerWhenTheFirstIsDownAndWhenItGoesDown() throws Exception {
    // Two replicas with the same history (the second starts from a copy of the first's data),
    // as replicas sharing a store would be.
    LocalDiscovery a = server("a");
    String token = a.token("productpage", "default");
    a.apply(REVIEWS_VS);
    a.stop();
    copy(a.data, tmp.resolve("b"));
    a.startAgain();
    LocalDiscovery b = server("b");

    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    RecordingListener listener = new RecordingListener();
    DiscoveryAgent agent = agent(config(a, token, "https://127.0.0.1:" + dead, a.url(), b.url()).build(), listener);
    listener.await(v -> has(v, "VirtualService", "reviews"));
    assertThat(agent.status().server()).isEqualTo(a.url());

    b.apply(REVIEWS_DR); // only the second replica has it
    a.stop();
    listener.await(v -> has(v, "DestinationRule", "reviews"));
    assertThat(agent.status().server()).isEqualTo(b.url());
    String lease = agent.status().leaseId();
    eventually("b shows the agent SYNCED", () -> b.statusOf(lease).filter(s -> s.status() == SyncStatus.SYNCED).isPresent());
  }

  @Test
  void aStreamCutInTheMiddleOfAnEventLosesNothingAndResumesWithSince() throws Exception {
    // Plain HTTP, so that the proxy can see where an event is and cut it there.
    LocalDiscovery server = LocalDiscovery.start(tmp.resolve("plain"), false, Duration.ofSeconds(30));
    closeLater.add(server);
    server.apply(REVIEWS_VS);
    String token = server.token("productpage", "default");
    try (CuttingProxy proxy = new CuttingProxy(Integer.parseInt(server.url().replaceAll(".*:", "")))) {
      RecordingListener listener = new RecordingListener();
      agent(config(server, token, proxy.url()).build(), listener);
      CentralView before = listener.await(v -> has(v, "VirtualService", "reviews"));

      proxy.cutNext("\"DELTA\"");
      long version = server.apply(REVIEWS_DR);
      CentralView after = listener.await(v -> has(v, "DestinationRule", "reviews"));

      assertThat(proxy.cuts).isEqualTo(1);
      assertThat(after.version()).isEqualTo(version);
      assertThat(has(after, "VirtualService", "reviews")).isTrue();
      assertThat(proxy.requestLines).anyMatch(l -> l.startsWith("GET /v1/watch?") && l.contains("since=" + before.version()));
      assertThat(listener.offered()).as("nothing half-applied reached the listener")
          .allMatch(v -> v.version() == before.version() || v.version() == version || v.version() < before.version());
    }
  }

  @Test
  void aStreamThatFallsSilentIsDeclaredDeadAfterTheIdleTimeoutAndReplaced() throws Exception {
    LocalDiscovery server = LocalDiscovery.start(tmp.resolve("plain"), false, Duration.ofSeconds(30));
    closeLater.add(server);
    server.apply(REVIEWS_VS);
    String token = server.token("productpage", "default");
    try (CuttingProxy proxy = new CuttingProxy(Integer.parseInt(server.url().replaceAll(".*:", "")))) {
      RecordingListener listener = new RecordingListener();
      DiscoveryAgent agent = agent(config(server, token, proxy.url()).build(), listener);
      long first = listener.await(v -> has(v, "VirtualService", "reviews")).version();
      String lease = agent.status().leaseId();
      eventually("the first view acknowledged", () -> server.statusOf(lease)
          .filter(s -> s.status() == SyncStatus.SYNCED && s.versionAcked() == first).isPresent());
      long watches = proxy.requestLines.stream().filter(l -> l.startsWith("GET /v1/watch")).count();

      // No FIN, no RST: only the missing heartbeats (every 200 ms here) tell the agent.
      proxy.silenceOpenConnections();
      long version = server.apply(REVIEWS_DR);
      CentralView after = listener.await(v -> has(v, "DestinationRule", "reviews"));
      assertThat(after.version()).isEqualTo(version);
      assertThat(proxy.requestLines.stream().filter(l -> l.startsWith("GET /v1/watch")).count()).isGreaterThan(watches);
      assertThat(agent.status().connected()).isTrue();
    }
  }

  @Test
  void renewsItsLeaseSoItOutlivesManyTtlsAndRegistersAgainWhenTheServerDropsIt() throws Exception {
    LocalDiscovery server = LocalDiscovery.start(tmp.resolve("short"), true, Duration.ofSeconds(1));
    closeLater.add(server);
    RecordingListener listener = new RecordingListener();
    DiscoveryAgent agent = agent(config(server, server.token("productpage", "default"), server.url()).build(), listener);
    agent.awaitView(Duration.ofSeconds(5));
    String lease = agent.status().leaseId();

    Thread.sleep(3_500); // three and a half TTLs: only renewals keep the lease
    assertThat(server.statusOf(lease)).isPresent();
    assertThat(agent.status().leaseId()).isEqualTo(lease);

    // The lease goes away (an operator, or an expiry while the agent was paused): the agent
    // registers again, watches with the new lease and shows up again.
    assertThat(server.call("DELETE", "/v1/registrations/" + lease, null).status()).isEqualTo(200);
    eventually("a new lease", () -> agent.status().leaseId() != null && !agent.status().leaseId().equals(lease));
    String renewed = agent.status().leaseId();
    eventually("the new lease SYNCED", () -> server.statusOf(renewed).filter(s -> s.status() == SyncStatus.SYNCED).isPresent());
    listener.await(v -> v.endpoints().stream().anyMatch(e -> e.id().equals(renewed)));
  }

  @Test
  void closeDeregistersAndLeavesNoThreadBehind() throws Exception {
    LocalDiscovery server = server("data");
    RecordingListener listener = new RecordingListener();
    DiscoveryAgent agent = DiscoveryAgent.builder(config(server, server.token("productpage", "default"), server.url()).build(), listener)
        .start();
    agent.awaitView(Duration.ofSeconds(5));
    String lease = agent.status().leaseId();
    assertThat(server.statusOf(lease)).isPresent();
    assertThat(agentThreads()).isNotEmpty();

    agent.close();

    assertThat(server.statusOf(lease)).as("deregistered at once, not left to expire").isEmpty();
    assertThat(agentThreads()).isEmpty();
    assertThat(agent.status().leaseId()).isNull();
  }

  private static List<String> agentThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("meshlet-discovery-"))
        .toList();
  }

  /** A replica's data: the store, the tokens and the CA (so both serve the same mesh root). */
  private static void copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (!f.getFileName().toString().equals("server-url")) {
          Files.copy(f, target);
        }
      }
    }
  }
}
