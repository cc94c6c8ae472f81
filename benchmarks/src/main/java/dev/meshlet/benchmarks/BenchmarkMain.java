package dev.meshlet.benchmarks;

import dev.meshlet.benchmarks.mesh.MeshletConfig;
import dev.meshlet.benchmarks.report.BenchReport;
import dev.meshlet.benchmarks.report.Medians;
import dev.meshlet.benchmarks.report.ScenarioResult;
import dev.meshlet.benchmarks.scenario.BenchEnvironment;
import dev.meshlet.benchmarks.scenario.ChildProcesses;
import dev.meshlet.benchmarks.scenario.Deployment;
import dev.meshlet.benchmarks.scenario.Scenario;
import dev.meshlet.benchmarks.scenario.Scenarios;
import dev.meshlet.benchmarks.server.ServerMain;
import dev.meshlet.benchmarks.tls.BenchPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Runs the whole comparison (what {@code benchmarks/run.sh} calls): makes the certificates,
 * starts the bench server in its own JVM, and for each scenario deploys what it needs and runs
 * a fresh client JVM ({@link ClientMain}) against it. Prints one human line per scenario, then
 * the report as one JSON line, last.
 *
 * <p>{@code BenchmarkMain --work DIR [--quick] [--rate RPS] [--concurrency N] [--server jetty|jdk]
 * [--haproxy PATH] [--only raw,sidecar] [--jfr DIR] [--repeat N]}: {@code --repeat} runs every
 * scenario N times in turn against the same server and prints, last, the medians
 * ({@link Medians}); {@code --jfr} records each client JVM with Java
 * Flight Recorder's profile settings into {@code DIR/client-<scenario>.jfr}, and the server JVM (all
 * scenarios, one after the other) into {@code DIR/server.jfr}.
 */
public final class BenchmarkMain {
  /** Same heap and collector for every JVM of the run, so no scenario gets a different runtime. */
  private static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");

  private BenchmarkMain() {}

  /** Phase lengths: quick fits three minutes on two cores, full fifteen. */
  record Phases(long warmupMs, long measureMs, long tputWarmupMs, long tputMaxWarmupMs, long tputMeasureMs) {
    // The throughput warm-up ends when the rate is steady and the JIT quiet (ClosedLoop), within
    // these bounds: a mesh client's hot path reached C2 only 20-38 s after start on two cores, so a
    // quick run (three minutes) may end a warm-up with the JIT still busy, and says so.
    static final Phases QUICK = new Phases(2_000, 5_000, 3_000, 20_000, 3_000);
    static final Phases FULL = new Phases(10_000, 50_000, 10_000, 60_000, 30_000);

    /** How long the server warms each of its paths before the first scenario ({@code ServerWarmup}). */
    long serverWarmupMs() {
      return this == QUICK ? 2_000 : 5_000;
    }

    long totalMs() {
      return warmupMs + measureMs + tputMaxWarmupMs + tputMeasureMs;
    }
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, Set.of("--quick"), Set.of("--work", "--rate", "--concurrency", "--server",
        "--haproxy", "--only", "--jfr", "--repeat"));
    Phases phases = args.flag("--quick") ? Phases.QUICK : Phases.FULL;
    Path work = Path.of(args.require("--work")).toAbsolutePath();
    Files.createDirectories(work);
    String rate = args.get("--rate", "500");
    String concurrency = args.get("--concurrency", "16");
    String serverKind = args.get("--server", "jetty");
    @Nullable Set<String> only = args.get("--only") == null ? null
        : Set.copyOf(Arrays.asList(args.require("--only").split(",")));
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));

    Path pki = work.resolve("pki");
    BenchPki.generate(pki);
    Path meshDir = work.resolve("mesh");
    MeshletConfig.write(meshDir);
    String java = ProcessHandle.current().info().command().orElse("java");
    String classPath = System.getProperty("java.class.path");

    List<String> serverCommand = new ArrayList<>(List.of(java));
    serverCommand.addAll(JVM_FLAGS);
    if (args.get("--jfr") != null) {
      // The server JVM serves every scenario in turn: one recording of the whole run.
      Path recording = Path.of(args.require("--jfr")).toAbsolutePath().resolve("server.jfr");
      Files.createDirectories(recording.getParent());
      serverCommand.add("-XX:StartFlightRecording=settings=profile,filename=" + recording);
    }
    serverCommand.addAll(List.of("-cp", classPath, ServerMain.class.getName(), pki.toString(), serverKind,
        meshDir.toString(), Long.toString(phases.serverWarmupMs()), concurrency));
    Process server = ChildProcesses.start(new ProcessBuilder(serverCommand)
        .redirectError(work.resolve("server.log").toFile()), work);
    try {
      BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.US_ASCII));
      String ready = CompletableFuture.supplyAsync(() -> readyLine(serverOut)).get(180, TimeUnit.SECONDS);
      if (ready == null || !ready.startsWith("READY ")) {
        throw new IOException("bench server did not start: " + ready + "; " + Files.readString(work.resolve("server.log")));
      }
      String[] ports = ready.split(" ");
      BenchEnvironment env = new BenchEnvironment(work, pki, Integer.parseInt(ports[1]), Integer.parseInt(ports[2]),
          args.get("--haproxy", "haproxy"), Integer.parseInt(ports[3]), Integer.parseInt(ports[4]));
      log("server (" + serverKind + ") pid " + server.pid() + " plain :" + env.serverPlainPort() + " mtls :"
          + env.serverMtlsPort() + " meshlet plain :" + env.meshletPlainPort() + " meshlet mtls :"
          + env.meshletMtlsPort() + "; rate " + rate + " rps, concurrency " + concurrency + ", phases " + phases);

      int repeat = Integer.parseInt(args.get("--repeat", "1"));
      if (repeat < 1) {
        throw new IllegalArgumentException("--repeat: " + repeat + " (expected: 1 or more)");
      }
      List<BenchReport> runs = new ArrayList<>();
      for (int run = 1; run <= repeat; run++) {
        if (repeat > 1) {
          log("run " + run + " of " + repeat);
        }
        Map<String, ScenarioResult> results = new LinkedHashMap<>();
        for (Scenario scenario : Scenarios.all()) {
          ScenarioResult result;
          String notBuilt = scenario.notBuiltReason();
          if (notBuilt != null) {
            result = ScenarioResult.notBuilt(notBuilt);
          } else if (only != null && !only.contains(scenario.name())) {
            result = ScenarioResult.failed("not selected (--only)");
          } else {
            result = runScenario(scenario, env, server.pid(), java, classPath, rate, concurrency, phases,
                args.get("--jfr"));
          }
          results.put(scenario.name(), result);
          System.out.println(BenchReport.humanLine(scenario.name(), result));
          System.out.flush();
        }
        BenchReport report = BenchReport.of(results);
        ScenarioResult raw = report.scenarios().get("raw");
        ScenarioResult sidecar = report.scenarios().get("sidecar");
        Double addedP50 = BenchReport.added(sidecar, raw, ScenarioResult::p50Us);
        Double addedP99 = BenchReport.added(sidecar, raw, ScenarioResult::p99Us);
        System.out.println(String.format(Locale.ROOT,
            "%-14s sidecar adds %s us at p50 and %s us at p99 over raw; Meshlet's budget (1/20): %s us and %s us",
            "sidecar-raw", addedP50, addedP99, twentieth(addedP50), twentieth(addedP99)));
        System.out.println(report.toJson());
        System.out.flush();
        runs.add(report);
      }
      if (repeat > 1) {
        // Last line: the medians of the runs (each ratio the median of the runs' own ratios).
        System.out.println(Medians.toJson(runs));
        System.out.flush();
      }
    } finally {
      server.getOutputStream().close();
      ChildProcesses.stop(server, 5_000);
    }
  }

  /** The server's READY line, past anything the JVM itself printed first (JFR's start-up notice). */
  private static @Nullable String readyLine(BufferedReader serverOut) {
    String line = readLine(serverOut);
    while (line != null && !line.startsWith("READY ") && line.startsWith("[")) {
      line = readLine(serverOut);
    }
    return line;
  }

  private static String twentieth(@Nullable Double added) {
    return added == null ? "null" : String.format(Locale.ROOT, "%.1f", added / 20);
  }

  private static ScenarioResult runScenario(Scenario scenario, BenchEnvironment env, long serverPid, String java,
      String classPath, String rate, String concurrency, Phases phases, @Nullable String jfrDir) {
    log("running " + scenario.name());
    try (Deployment deployment = scenario.deploy(env)) {
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(JVM_FLAGS);
      if (jfrDir != null) {
        // A profile of the measured client (CPU samples and allocations), kept outside the work dir.
        Path recording = Path.of(jfrDir).toAbsolutePath().resolve("client-" + scenario.name() + ".jfr");
        Files.createDirectories(recording.getParent());
        command.add("-XX:StartFlightRecording=settings=profile,filename=" + recording);
      }
      command.addAll(List.of("-cp", classPath, ClientMain.class.getName(),
          "--scenario", scenario.name(), "--url", deployment.url(),
          "--work", env.workDir().toString(), "--pki", env.pkiDir().toString(),
          "--plain-port", Integer.toString(env.serverPlainPort()),
          "--mtls-port", Integer.toString(env.serverMtlsPort()), "--haproxy", env.haproxy(),
          "--meshlet-plain-port", Integer.toString(env.meshletPlainPort()),
          "--meshlet-mtls-port", Integer.toString(env.meshletMtlsPort()),
          "--rate", rate, "--concurrency", concurrency,
          "--warmup-ms", Long.toString(phases.warmupMs()), "--measure-ms", Long.toString(phases.measureMs()),
          "--tput-warmup-ms", Long.toString(phases.tputWarmupMs()),
          "--tput-max-warmup-ms", Long.toString(phases.tputMaxWarmupMs()),
          "--tput-measure-ms", Long.toString(phases.tputMeasureMs()),
          "--server-pid", Long.toString(serverPid),
          "--proxy-pids", deployment.proxyPids().stream().map(String::valueOf).collect(Collectors.joining(","))));
      Path clientLog = env.workDir().resolve("client-" + scenario.name() + ".log");
      Process client = ChildProcesses.start(new ProcessBuilder(command).redirectError(clientLog.toFile()),
          env.workDir());
      BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> lastLine = CompletableFuture.supplyAsync(() -> {
        @Nullable String last = null;
        for (String line = readLine(out); line != null; line = readLine(out)) {
          last = line;
        }
        return last;
      });
      // Bounded: the phases, the drains and a minute for JVM start-up and slack.
      long limitMs = phases.totalMs() + 80_000;
      if (!client.waitFor(limitMs, TimeUnit.MILLISECONDS)) {
        ChildProcesses.stop(client, 2_000);
        return ScenarioResult.failed("client did not finish within " + limitMs + " ms");
      }
      String line = lastLine.get(10, TimeUnit.SECONDS);
      echoThreadCpu(scenario.name(), clientLog);
      if (client.exitValue() != 0 || line == null || !line.startsWith("{")) {
        return ScenarioResult.failed("client exited with " + client.exitValue() + ": "
            + tail(clientLog));
      }
      return BenchReport.parse(line);
    } catch (Exception e) {
      return ScenarioResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** The client's CPU by thread kind, from its log, for the reader of the run (stderr). */
  private static void echoThreadCpu(String scenario, Path clientLog) throws IOException {
    if (Files.exists(clientLog)) {
      for (String l : Files.readAllLines(clientLog)) {
        if (l.startsWith(ClientMain.CPU_BY_THREAD)) {
          log(scenario + " " + l.substring(ClientMain.CPU_BY_THREAD.length()));
        }
      }
    }
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static @Nullable String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static void log(String message) {
    System.err.println("[bench] " + message);
  }
}
