package dev.meshlet.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The processes the demo starts (a discovery server and Bookinfo workloads, each its own JVM on
 * its own ports) and the discovery server's API the demo drives them through. Closing it stops
 * every process it started, children first.
 */
final class Cluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType YAML = MediaType.get("application/yaml");
  private static final String MESHCTL = "dev.meshlet.discovery.cli.Meshctl";

  /** One started workload. */
  record Workload(String service, String version, int port, int adminPort, int controlPort, Process process, Path log) {
    String name() {
      return service + "-" + version + "-" + port;
    }
  }

  private final Path workDir;
  private final String classPath;
  /** meshctl's own class path (its jar): the discovery server's dependencies stay out of the workloads'. */
  private final String meshctlClassPath;
  private final String java;
  private final PrintStream out;
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
  private final List<Process> processes = new ArrayList<>();
  private final Map<String, Workload> workloads = new LinkedHashMap<>();
  /** The discovery server's https API, trusting only its root and its SPIFFE ID (set once it started). */
  private @Nullable OkHttpClient api;
  private @Nullable String server;
  private @Nullable String adminToken;

  /**
   * Workloads run from this JVM's class path; the discovery server and meshctl from
   * {@code meshctlJar}, or from this JVM's class path when null (the tests, where mesh-discovery
   * is on it).
   */
  Cluster(Path workDir, @Nullable Path meshctlJar, PrintStream out) {
    this.workDir = workDir;
    this.out = out;
    this.classPath = System.getProperty("java.class.path");
    if (meshctlJar == null) {
      try {
        Class.forName(MESHCTL, false, Cluster.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("meshctl is not on this class path: pass --meshctl JAR"
            + " (mesh-discovery/target/meshctl.jar, as bin/demo does)");
      }
      this.meshctlClassPath = classPath;
    } else if (!Files.isRegularFile(meshctlJar)) {
      throw new IllegalStateException("--meshctl " + meshctlJar + ": no such file (bin/meshctl builds it)");
    } else {
      this.meshctlClassPath = meshctlJar.toAbsolutePath().toString();
    }
    this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  String server() {
    return Objects.requireNonNull(server, "discovery server not started");
  }

  /** The mesh root the discovery server wrote: its API's certificate and every workload's chain to it. */
  Path rootCertificate() {
    return workDir.resolve("mesh-data").resolve("ca").resolve("root-cert.pem");
  }

  Path workDir() {
    return workDir;
  }

  List<Workload> workloads() {
    return List.copyOf(workloads.values());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Process launch(String name, String path, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
        "-Xmx128m", "-cp", path));
    command.addAll(args);
    Path log = workDir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    return process;
  }

  /** Starts the discovery server (its API over TLS, certificate from its own CA) and waits until it answers. */
  void startDiscovery(Duration heartbeat, Duration leaseTtl) throws IOException, InterruptedException {
    int port = freePort();
    Path data = workDir.resolve("mesh-data");
    Files.createDirectories(data);
    Process process = launch("discovery", meshctlClassPath, List.of(MESHCTL, "server", "--port",
        Integer.toString(port), "--data", data.toString(),
        "--heartbeat", Long.toString(heartbeat.toSeconds()), "--lease-ttl", Long.toString(leaseTtl.toSeconds())));
    server = "https://127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("the discovery server exited with " + process.exitValue() + ": "
            + tail(workDir.resolve("discovery.log")));
      }
      // The server writes its root and admin token before it listens.
      if (api == null && Files.exists(rootCertificate()) && Files.exists(data.resolve("admin-token"))) {
        api = DiscoveryTls.trustServer(http.newBuilder(), rootCertificate()).build();
      }
      if (api != null) {
        try (Response response = api.newCall(new Request.Builder().url(server + "/healthz").build()).execute()) {
          if (response.isSuccessful()) {
            adminToken = Files.readString(data.resolve("admin-token")).trim();
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the discovery server did not answer /healthz within 30 s: " + tail(workDir.resolve("discovery.log")));
      }
      Thread.sleep(100);
    }
  }

  /** Creates a bootstrap token for {@code serviceAccount}, as {@code meshctl token create} does. */
  String token(String serviceAccount) throws IOException {
    JsonNode answer = call("POST", "/v1/tokens", "{\"serviceAccount\":\"" + serviceAccount + "\",\"namespace\":\"default\"}",
        MediaType.get("application/json"));
    return answer.path("token").asText();
  }

  /** Starts one Bookinfo workload as its own process, registered with the discovery server. */
  Workload startWorkload(String service, String version, @Nullable Duration reviewsTimeout) throws IOException {
    int port = freePort();
    int adminPort = freePort();
    int controlPort = freePort();
    List<String> args = new ArrayList<>(List.of("dev.meshlet.examples.bookinfo.BookinfoMain", service, "--version", version,
        "--port", Integer.toString(port), "--admin-port", Integer.toString(adminPort),
        "--control-port", Integer.toString(controlPort), "--discovery", server(),
        "--token", token(service), "--trust-bundle", rootCertificate().toString()));
    if (reviewsTimeout != null) {
      args.add("--reviews-timeout");
      args.add(reviewsTimeout.toMillis() + "ms");
    }
    String name = service + "-" + version + "-" + port;
    Process process = launch(name, classPath, args);
    Workload workload = new Workload(service, version, port, adminPort, controlPort, process, workDir.resolve(name + ".log"));
    workloads.put(workload.name(), workload);
    return workload;
  }

  /** Waits until every workload's admin endpoint says it is ready (its certificate and first config). */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Workload w : workloads.values()) {
      String last = "its admin endpoint did not answer yet";
      while (true) {
        if (!w.process().isAlive()) {
          throw new IOException(w.name() + " exited with " + w.process().exitValue() + ": " + tail(w.log()));
        }
        try (Response response = http.newCall(new Request.Builder()
            .url("http://127.0.0.1:" + w.adminPort() + "/healthz/ready").build()).execute()) {
          if (response.isSuccessful()) {
            break;
          }
          last = response.body().string().strip();
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(w.name() + " was not ready within " + timeout.toSeconds() + " s (" + last + "; load average "
              + String.format("%.0f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
              + "):" + tail(w.log()));
        }
        Thread.sleep(100);
      }
    }
  }

  /** Applies YAML through the discovery server; returns the version it made (or the current one). */
  long apply(String source, String yaml) throws IOException {
    JsonNode answer = call("POST", "/v1/config?source=" + source, yaml, YAML);
    return answer.path("version").asLong();
  }

  /** Deletes every VirtualService and DestinationRule of namespace default. */
  void deleteRoutingRules() throws IOException {
    for (String kind : List.of("vs", "dr")) {
      JsonNode items = call("GET", "/v1/config/" + kind + "/default", null, null).path("items");
      for (JsonNode item : items) {
        call("DELETE", "/v1/config/" + kind + "/default/" + item.path("metadata").path("name").asText(), null, null);
      }
    }
  }

  /** Deletes one resource ({@code kind} as the API abbreviates it: vs, dr, pa); returns the version it made. */
  long delete(String kind, String namespace, String name) throws IOException {
    return call("DELETE", "/v1/config/" + kind + "/" + namespace + "/" + name, null, null).path("version").asLong();
  }

  /**
   * Runs {@code meshctl ARGS --server URL --token-file ADMIN_TOKEN --ca-file ROOT} as its own process, as a user
   * would on this discovery server; returns what it printed, or throws with it when it fails.
   */
  String meshctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        meshctlClassPath, MESHCTL));
    command.addAll(List.of(args));
    command.addAll(List.of("--server", server(), "--token-file", workDir.resolve("mesh-data/admin-token").toString(),
        "--ca-file", rootCertificate().toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("meshctl " + String.join(" ", args) + " failed: " + output);
      }
      return output;
    } finally {
      process.destroyForcibly();
      processes.remove(process);
    }
  }

  /** The server's current version. */
  long version() throws IOException {
    return call("GET", "/healthz", null, null).path("version").asLong();
  }

  /**
   * Waits until every registered workload acknowledged {@code version} or later (as
   * {@code meshctl proxy-status} shows SYNCED), so traffic after it sees the new rules; returns
   * how many workloads that is.
   */
  int awaitSynced(long version, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lagging = "";
    while (System.nanoTime() < deadline) {
      JsonNode status = call("GET", "/v1/status", null, null);
      lagging = "";
      for (JsonNode agent : status) {
        if (agent.path("versionAcked").asLong() < version || !"SYNCED".equals(agent.path("status").asText())) {
          lagging += " " + agent.path("name").asText() + "(" + agent.path("status").asText() + ", acked "
              + agent.path("versionAcked").asLong() + ")";
        }
      }
      if (lagging.isEmpty()) {
        return status.size();
      }
      Thread.sleep(50);
    }
    throw new IOException("workloads not synced to version " + version + " within " + timeout.toSeconds() + " s:" + lagging);
  }

  /** GET from a workload's admin endpoint, as JSON. */
  JsonNode admin(Workload workload, String path) throws IOException {
    return JSON.readTree(adminText(workload, path));
  }

  /** GET or POST to a workload's demo controls ({@code /demo/served}, {@code /demo/fail}). */
  JsonNode control(Workload workload, String method, String path) throws IOException {
    Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + workload.controlPort() + path);
    if (method.equals("POST")) {
      request.post(RequestBody.create(new byte[0]));
    }
    try (Response response = http.newCall(request.build()).execute()) {
      return JSON.readTree(response.body().string());
    }
  }

  /** A workload's admin page as text (its Prometheus scrape). */
  String adminText(Workload workload, String path) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url("http://127.0.0.1:" + workload.adminPort() + path)
        .build()).execute()) {
      return response.body().string();
    }
  }

  private JsonNode call(String method, String path, @Nullable String body, @Nullable MediaType type) throws IOException {
    Request.Builder request = new Request.Builder().url(server() + path)
        .header("Authorization", "Bearer " + Objects.requireNonNull(adminToken));
    if (body != null) {
      request.method(method, RequestBody.create(body, type));
    } else {
      request.method(method, method.equals("POST") ? RequestBody.create(new byte[0]) : null);
    }
    try (Response response = Objects.requireNonNull(api, "discovery server not started").newCall(request.build()).execute()) {
      String text = response.body().string();
      if (!response.isSuccessful()) {
        throw new IOException(method + " " + path + ": " + response.code() + " " + text);
      }
      return JSON.readTree(text);
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()))
          + "\n  (whole log: " + log + ")";
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  private static void stop(List<Process> stopping) {
    for (Process p : stopping) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops every process this cluster started: workloads first, the discovery server last. */
  @Override
  public synchronized void close() {
    // Workloads first, so that they deregister while the discovery server (started first) still runs.
    List<Process> reversed = new ArrayList<>(processes);
    if (!reversed.isEmpty()) {
      out.println();
      out.println("Stopping the " + (reversed.size() - 1) + " workloads, then the discovery server.");
    }
    Collections.reverse(reversed);
    for (int i = 0; i < reversed.size(); i++) {
      Process p = reversed.get(i);
      if (i < reversed.size() - 1) {
        p.destroy();
        continue;
      }
      stop(reversed.subList(0, i)); // every workload, together
      p.destroy();
      stop(List.of(p));
    }
    processes.clear();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
