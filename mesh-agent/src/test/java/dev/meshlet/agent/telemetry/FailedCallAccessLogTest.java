package dev.meshlet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.core.telemetry.TelemetryConfig;
import dev.meshlet.core.telemetry.accesslog.AccessLogConfig;
import dev.meshlet.routing.MeshCallException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log line of a real failed call (a refused connection, an injected fault) carries
 * the response flag the call failed with, in Envoy's place for it.
 */
class FailedCallAccessLogTest {
  @TempDir Path dir;

  @Test
  void aRefusedConnectionIsLoggedWithItsFlag() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage"))
        .endpoint("reviews", "127.0.0.1", closedPort)
        .telemetry(TelemetryConfig.ofDefaults().withAccessLog(AccessLogConfig.text()))
        .build()) {
      List<String> lines = capturingAccessLog(() -> assertThatThrownBy(
          () -> mesh.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/7").build()).execute())
          .isInstanceOf(MeshCallException.class));
      assertThat(lines).hasSize(1);
      String flag = flagOf(lines.get(0));
      assertThat(flag).isIn("UF", "URX");
      assertThat(lines.get(0))
          .contains("\"GET /reviews/7 -\" 0 " + flag + " ")
          .contains("\"127.0.0.1:" + closedPort + "\"")
          .contains("outbound|80||reviews.default.svc.cluster.local");
    }
  }

  @Test
  void anInjectedAbortIsLoggedWithFi() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
            route: [{destination: {host: reviews}}]
        """);
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage"))
        .configDirectory(dir)
        .endpoint("reviews", "127.0.0.1", 9)
        .telemetry(TelemetryConfig.ofDefaults().withAccessLog(AccessLogConfig.text()))
        .build()) {
      List<String> lines = capturingAccessLog(() -> {
        try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/reviews/7").build())
            .execute()) {
          assertThat(r.code()).isEqualTo(503);
        }
      });
      assertThat(lines).singleElement().satisfies(line -> assertThat(line).contains("\"GET /reviews/7 -\" 503 FI "));
    }
  }

  /** The flag field: the one after the response code, after the request's quoted part. */
  private static String flagOf(String line) {
    String afterRequest = line.substring(line.indexOf("\" ", line.indexOf("\"GET")) + 2);
    return afterRequest.split(" ")[1];
  }

  interface Action {
    void run() throws Exception;
  }

  /** The {@code meshlet.access} lines slf4j-simple writes to standard error while {@code action} runs. */
  private static List<String> capturingAccessLog(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        captured.write(b);
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        captured.write(b, off, len);
        original.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("meshlet.access")).toList();
  }
}
