package dev.meshlet.benchmarks.push;

import dev.meshlet.benchmarks.scenario.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PushServerMain} in a child JVM, so that the agents' threads do not share its CPU
 * accounting and its heap can be read alone ({@code jcmd PID GC.run}, then {@code GC.heap_info}).
 * Extra JVM options (a JFR recording, a heap size) come from {@code -Dpush.serverJvmArgs="..."}.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  final Path data;
  final Process process;
  final String url;
  final String adminToken;

  private ServerProcess(Path data, Process process, String url, String adminToken) {
    this.data = data;
    this.process = process;
    this.url = url;
    this.adminToken = adminToken;
  }

  static ServerProcess start(Path data) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String extra = System.getProperty("push.serverJvmArgs", "");
    for (String a : extra.trim().split("\\s+")) {
      if (!a.isEmpty()) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        PushServerMain.class.getName(), data.toString()));
    Path log = data.resolveSibling(data.getFileName() + "-server.log");
    Process p = ChildProcesses.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()),
        data.getParent());
    Path urlFile = data.resolve("server-url");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(urlFile)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("the server did not start: " + (Files.exists(log) ? Files.readString(log) : "(no log)"));
      }
      Thread.sleep(50);
    }
    String url = Files.readString(urlFile, StandardCharsets.UTF_8).trim();
    return new ServerProcess(data, p, url, Files.readString(data.resolve("admin-token"), StandardCharsets.UTF_8).trim());
  }

  /** CPU time the server's JVM has used so far (user and system, all threads). */
  java.time.Duration cpu() {
    return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /** The server's heap in use right after a full GC, in bytes (jcmd GC.run, then GC.heap_info). */
  long heapAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher m = USED.matcher(jcmd("GC.heap_info"));
    if (!m.find()) {
      throw new IOException("jcmd GC.heap_info: no 'used NK' in its answer");
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    process.getOutputStream().close();
    ChildProcesses.stop(process, 10_000);
  }
}
