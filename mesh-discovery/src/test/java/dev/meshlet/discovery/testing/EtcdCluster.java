package dev.meshlet.discovery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real etcd cluster for tests: {@code size} members of Debian's {@code etcd} (package
 * etcd-server) on loopback ports in a temporary directory, each its own process, which a test
 * may kill and start again. Everything is stopped by {@link #close()} and, should the JVM end
 * first, by a shutdown hook.
 *
 * <p>There is no fallback: without the etcd binary the tests that need it fail and say how to
 * install it (CI installs it in {@code .ci/run}).
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Path binary;
  private final Path dir;
  private final List<Member> members = new ArrayList<>();
  private final String initialCluster;
  private final String token = "meshlet-test-" + UUID.randomUUID();
  private final Thread hook = new Thread(this::killAll, "etcd-test-cluster-stop");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private static final class Member {
    final String name;
    final int clientPort;
    final int peerPort;
    Process process;

    Member(String name, int clientPort, int peerPort) {
      this.name = name;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
    }

    String clientUrl() {
      return "http://127.0.0.1:" + clientPort;
    }

    String peerUrl() {
      return "http://127.0.0.1:" + peerPort;
    }
  }

  private EtcdCluster(Path binary, Path dir, int size) throws IOException {
    this.binary = binary;
    this.dir = dir;
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Member m = new Member("m" + i, freePort(), freePort());
      members.add(m);
      peers.add(m.name + "=" + m.peerUrl());
    }
    this.initialCluster = String.join(",", peers);
  }

  /** Starts a cluster of {@code size} members and waits until every one is healthy. */
  public static EtcdCluster start(int size) throws IOException, InterruptedException {
    Path binary = findEtcd();
    EtcdCluster c = new EtcdCluster(binary, Files.createTempDirectory("meshlet-etcd-"), size);
    Runtime.getRuntime().addShutdownHook(c.hook);
    try {
      for (int i = 0; i < size; i++) {
        c.launch(i);
      }
      for (int i = 0; i < size; i++) {
        c.awaitHealthy(i);
      }
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The etcd binary: /usr/bin/etcd, or etcd on the PATH. */
  static Path findEtcd() {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/etcd")));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(":")) {
        candidates.add(Path.of(d, "etcd"));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
        "etcd is not installed (looked for /usr/bin/etcd and etcd on the PATH): these tests run a real etcd"
            + " cluster; install Debian's etcd-server package (apt-get install etcd-server), as .ci/run does"));
  }

  /** The client URLs of every member, running or not, as a replica would list them. */
  public List<String> endpoints() {
    return members.stream().map(Member::clientUrl).toList();
  }

  public int size() {
    return members.size();
  }

  /** Kills member {@code i} at once (SIGKILL), as a crash would. */
  public void kill(int i) throws InterruptedException {
    Member m = members.get(i);
    if (m.process != null) {
      m.process.destroyForcibly();
      m.process.waitFor();
      m.process = null;
    }
  }

  /** Starts member {@code i} again on its data and waits until it is healthy. */
  public void restart(int i) throws IOException, InterruptedException {
    if (members.get(i).process == null) {
      launch(i);
    }
    awaitHealthy(i);
  }

  /** Kills every member (their data stays for {@link #restartAll()}). */
  public void killAll() {
    for (Member m : members) {
      if (m.process != null) {
        m.process.destroyForcibly();
        try {
          m.process.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        m.process = null;
      }
    }
  }

  /** Starts every stopped member and waits until the whole cluster is healthy. */
  public void restartAll() throws IOException, InterruptedException {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).process == null) {
        launch(i);
      }
    }
    for (int i = 0; i < members.size(); i++) {
      awaitHealthy(i);
    }
  }

  private void launch(int i) throws IOException {
    Member m = members.get(i);
    Path data = dir.resolve(m.name);
    List<String> cmd = List.of(binary.toString(),
        "--name", m.name,
        "--data-dir", data.toString(),
        "--listen-client-urls", m.clientUrl(),
        "--advertise-client-urls", m.clientUrl(),
        "--listen-peer-urls", m.peerUrl(),
        "--initial-advertise-peer-urls", m.peerUrl(),
        "--initial-cluster", initialCluster,
        "--initial-cluster-token", token,
        "--initial-cluster-state", "new",
        // Loopback: fast heartbeats and elections keep a killed member's cost to test time short.
        "--heartbeat-interval", "50",
        "--election-timeout", "500",
        "--logger", "zap",
        "--log-level", "warn");
    m.process = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(m.name + ".log").toFile()))
        .start();
  }

  private void awaitHealthy(int i) throws IOException, InterruptedException {
    Member m = members.get(i);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (m.process == null || !m.process.isAlive()) {
        throw new IOException("etcd member " + m.name + " exited: " + tail(m));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.clientUrl() + "/health"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
          return;
        }
        last = "HTTP " + r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(50);
    }
    throw new IOException("etcd member " + m.name + " at " + m.clientUrl() + " not healthy in " + START_TIMEOUT.toSeconds()
        + " s (" + last + "): " + tail(m));
  }

  private String tail(Member m) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(m.name + ".log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs anyway
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory left behind is no test failure
    }
  }
}
