package dev.meshlet.examples.demo;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/demo}: starts a discovery server and Bookinfo as separate processes, then walks
 * Istio's Bookinfo tasks by applying Istio's own rules and checking the outcome each task page
 * describes. Exits 1 naming every step that misbehaved.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs Istio's Bookinfo tasks on Meshlet: a discovery server and every Bookinfo service as",
        "separate processes on loopback, Istio's own rules applied through the discovery server,",
        "each outcome checked. Stops everything it started on exit and on Ctrl-C."})
public final class Demo implements Callable<Integer> {

  @Option(names = "--fast", description = "Fewer requests (for CI).")
  boolean fast;

  @Option(names = "--keep-running", description = "Leave everything up after the steps, until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--samples", paramLabel = "DIR", description = "Istio's Bookinfo rules. Default: samples/bookinfo of this checkout.")
  Path samples;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Logs and the discovery server's data. Default: a new temporary directory.")
  Path workDir;

  @Option(names = "--meshctl", paramLabel = "JAR",
      description = "meshctl's jar, to run the discovery server and meshctl from (bin/demo passes mesh-discovery/target/meshctl.jar)."
          + " Default: this class path, when it holds meshctl.")
  Path meshctlJar;

  @Option(names = "--steps", split = ",", paramLabel = "N", description = "Only these steps (1..9). Default: all.")
  List<Integer> only = new ArrayList<>();

  @Option(names = "--no-progress", description = "No progress bars (they are off anyway when the output is not a terminal).")
  boolean noProgress;

  /** Seven JVMs starting at once take 35 s on two idle cores and several times that on a busy machine. */
  static final Duration STARTUP_WAIT = Duration.ofSeconds(180);

  private final PrintStream out;

  Demo(PrintStream out) {
    this.out = out;
  }

  /** How one step ended. */
  record Outcome(int step, String title, Status status, String detail) {}

  /** Passed, failed a check, or could not run because a building block has not landed. */
  enum Status {
    PASSED,
    FAILED,
    NOT_AVAILABLE
  }

  /** The outcomes of the last {@link #call()}, for the integration test. */
  private final List<Outcome> outcomes = new ArrayList<>();

  List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  @Override
  public Integer call() throws Exception {
    Path samplesDir = samples != null ? samples : findSamples();
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("meshlet-demo-");
    Cluster cluster = new Cluster(dir, meshctlJar, out);
    AtomicBoolean stopping = new AtomicBoolean();
    // Ctrl-C or TERM: the hook stops every process. The steps still running meanwhile would only
    // report the processes going away, so from then on they print nothing.
    Thread hook = new Thread(() -> {
      if (stopping.compareAndSet(false, true)) {
        out.println();
        out.println("Interrupted.");
      }
      cluster.close();
    }, "demo-stop");
    PrintStream steps = new PrintStream(new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        if (!stopping.get()) {
          out.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (!stopping.get()) {
          out.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println("Meshlet demo: Istio's Bookinfo tasks" + (fast ? " (fast mode)" : ""));
      out.println("  logs and data: " + dir);
      long t0 = System.nanoTime();
      try {
        start(cluster);
      } catch (IOException e) {
        out.println();
        out.println("FAILED to start: " + e.getMessage());
        return 1;
      }
      out.printf("  started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      try (Steps walk = new Steps(cluster, samplesDir, steps, fast, !noProgress && System.console() != null)) {
        walk.warmUp();
        for (int n = 1; n <= Steps.COUNT && !stopping.get(); n++) {
          if (!only.isEmpty() && !only.contains(n)) {
            continue;
          }
          outcomes.add(walk.run(n));
        }
        if (stopping.get()) {
          return 130;
        }
        summary(cluster);
        if (keepRunning) {
          out.println();
          out.println("Everything is still running (--keep-running). Ctrl-C stops it.");
          Thread.currentThread().join();
        }
      }
    } finally {
      cluster.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: Ctrl-C
      }
    }
    List<Outcome> failed = outcomes.stream().filter(o -> o.status() == Status.FAILED).toList();
    if (!failed.isEmpty()) {
      out.println();
      for (Outcome o : failed) {
        out.println("FAILED: step " + o.step() + " (" + o.title() + "): " + o.detail());
      }
      return 1;
    }
    return 0;
  }

  /** Starts the discovery server and every workload, and waits until each is ready and SYNCED. */
  private void start(Cluster cluster) throws IOException, InterruptedException {
    cluster.startDiscovery(Duration.ofSeconds(2), Duration.ofSeconds(10));
    out.println("  discovery server  " + cluster.server() + "  (TLS; the workloads trust its root "
        + cluster.rootCertificate().getFileName() + " in mesh-data/ca)");
    for (String[] w : new String[][] {{"productpage", "v1"}, {"details", "v1"}, {"reviews", "v1"}, {"reviews", "v2"},
        {"reviews", "v3"}, {"ratings", "v1"}}) {
      cluster.startWorkload(w[0], w[1], null);
    }
    cluster.awaitReady(STARTUP_WAIT);
    cluster.awaitSynced(cluster.version(), Duration.ofSeconds(20));
    for (Cluster.Workload w : cluster.workloads()) {
      out.printf("  %-17s 127.0.0.1:%-5d  admin :%-5d  %s%n", w.service() + " " + w.version(), w.port(), w.adminPort(),
          cluster.admin(w, "/certs").path("spiffeId").asText("(no certificate)"));
    }
    out.println("  each registered with its own bootstrap token and holds a certificate from the discovery server's CA");
  }

  private void summary(Cluster cluster) {
    out.println();
    out.println("Summary");
    for (Outcome o : outcomes) {
      out.printf("  %d. %-44s %s%n", o.step(), o.title(), switch (o.status()) {
        case PASSED -> "passed";
        case FAILED -> "FAILED: " + o.detail();
        case NOT_AVAILABLE -> "not available yet: " + o.detail();
      });
    }
    out.println();
    out.println("Where to look");
    out.println("  discovery server  " + cluster.server() + "  bin/meshctl proxy-status --data " + cluster.workDir().resolve("mesh-data"));
    out.println("  productpage       http://127.0.0.1:" + cluster.workloads().get(0).port() + "/productpage?user=jason"
        + "  (PERMISSIVE: plaintext from outside is served)");
    out.println("  admin endpoints   per workload, as Envoy's admin port: /stats/prometheus (metrics), /config_dump, "
        + "/clusters, /certs");
    for (Cluster.Workload w : cluster.workloads()) {
      out.printf("    %-20s http://127.0.0.1:%d/%n", w.name(), w.adminPort());
    }
    out.println("  metrics           Istio's standard ones (istio_requests_total, istio_request_duration_milliseconds, ...) on "
        + "each /stats/prometheus, reporter=source and destination");
    out.println("  traces            not exported: the examples wire no OpenTelemetry exporter (W3C and B3 headers are passed on)");
    out.println("  logs              " + cluster.workDir());
  }

  private static Path findSamples() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("samples/bookinfo");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("samples/bookinfo: not found above " + Path.of("").toAbsolutePath()
        + " (expected: run from the checkout, or pass --samples DIR)");
  }

  static String resource(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(Demo.class.getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs the demo and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Demo(System.out)).execute(args));
  }

  /** Runs the demo with {@code args}, printing to {@code out}; the outcomes are returned for tests. */
  static List<Outcome> run(PrintStream out, String... args) {
    Demo demo = new Demo(out);
    new CommandLine(demo).execute(args);
    return demo.outcomes();
  }
}
