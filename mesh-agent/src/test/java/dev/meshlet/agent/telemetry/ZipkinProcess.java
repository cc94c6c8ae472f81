package dev.meshlet.agent.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Zipkin's own server (the {@code exec} jar Maven copies to {@code target/zipkin}), run as a
 * separate {@code java -jar} process on a port it picks, with in-memory storage; read back
 * through its query API.
 */
final class ZipkinProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("Serving HTTP at .*:(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final int port;
  private final OkHttpClient http = new OkHttpClient();

  private ZipkinProcess(Process process, Duration startTimeout) throws IOException, InterruptedException {
    this.process = process;
    CompletableFuture<Integer> serving = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.append(line).append('\n');
          Matcher m = SERVING.matcher(line);
          if (m.find()) {
            serving.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        // The process ended.
      }
      serving.completeExceptionally(new IllegalStateException("zipkin exited before serving:\n" + output));
    }, "zipkin-output");
    reader.setDaemon(true);
    reader.start();
    try {
      port = serving.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("zipkin did not serve within " + startTimeout + ":\n" + output, e);
    }
  }

  /** Starts Zipkin's server jar named by the {@code zipkin.server.jar} system property (set by the build). */
  static ZipkinProcess start() throws IOException, InterruptedException {
    String jar = System.getProperty("zipkin.server.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("zipkin.server.jar is " + jar + ": run the test through Maven, which copies "
          + "io.zipkin:zipkin-server:exec to target/zipkin in process-test-classes");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and a serial GC: Zipkin starts in a few seconds on a busy two-core machine.
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-jar", jar, "--server.port=0")
        .redirectErrorStream(true);
    pb.environment().put("STORAGE_TYPE", "mem");
    return new ZipkinProcess(pb.start(), Duration.ofMinutes(3));
  }

  /** Where spans go: {@code POST /api/v2/spans}. */
  String spansEndpoint() {
    return "http://127.0.0.1:" + port + "/api/v2/spans";
  }

  /** {@code GET /api/v2/traces?serviceName=...}: the traces a service took part in, each a list of spans. */
  JsonNode traces(String serviceName) throws IOException {
    return get("/api/v2/traces?limit=100&lookback=3600000&serviceName=" + serviceName);
  }

  /** {@code GET /api/v2/trace/{id}}: the spans of one trace. */
  JsonNode trace(String traceId) throws IOException {
    return get("/api/v2/trace/" + traceId);
  }

  private JsonNode get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + path).build()).execute()) {
      String body = r.body().string();
      if (r.code() == 404) {
        return JSON.createArrayNode();
      }
      if (!r.isSuccessful()) {
        throw new IOException("zipkin answered " + r.code() + " to " + path + ": " + body);
      }
      return JSON.readTree(body);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    http.connectionPool().evictAll();
    http.dispatcher().executorService().shutdown();
  }
}
