package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() leaves no thread of the mesh's and no pooled connection behind. */
class CloseTest {
  @TempDir java.nio.file.Path dir;

  /**
   * Threads started since {@code before} that are still alive. OkHttp's "OkHttp TaskRunner"
   * threads are process-wide (OkHttp's own, shared by every client in the JVM) and idle out on
   * their own; MockWebServer's belong to the test's server.
   */
  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(n -> !n.startsWith("OkHttp TaskRunner") && !n.contains("MockWebServer"))
        .toList();
  }

  @Test
  void closeStopsEveryThreadAndDropsEveryPooledConnection() throws Exception {
    Files.writeString(dir.resolve("empty.yaml"), "");
    try (Upstream reviews = new Upstream()) {
      Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
      Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).configDirectory(dir).mtls(true)
          .endpoint("reviews", "127.0.0.1", reviews.port()).build();
      assertThat(mesh.isReady()).isTrue();
      assertThat(mesh.certificates()).isPresent();
      for (int i = 0; i < 3; i++) {
        try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/" + i).build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          r.body().string();
        }
      }
      CompletableFuture<Integer> async = new CompletableFuture<>();
      mesh.httpClient().newCall(new Request.Builder().url("http://reviews/async").build()).enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          async.completeExceptionally(e);
        }

        @Override
        public void onResponse(Call call, Response response) throws IOException {
          response.body().string();
          response.close();
          async.complete(response.code());
        }
      });
      assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      ConnectionPool pool = mesh.httpClient().connectionPool();
      assertThat(pool.connectionCount()).isPositive();
      assertThat(newThreads(before)).isNotEmpty()
          .anySatisfy(n -> assertThat(n).startsWith("meshlet-productpage-okhttp"))
          .anySatisfy(n -> assertThat(n).startsWith("meshlet-config"))
          .anySatisfy(n -> assertThat(n).startsWith("meshlet-cert-rotation"));

      mesh.close();

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!newThreads(before).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(newThreads(before)).isEmpty();
      assertThat(pool.connectionCount()).isZero();
      assertThat(mesh.isReady()).isFalse();
    }
  }

  @Test
  void closeLeavesNoSocketOpenAndNoPortBoundAmongEverythingTheMeshStarted() throws Exception {
    assumeTrue(OpenSockets.available(), "Linux /proc");
    Files.writeString(dir.resolve("empty.yaml"), "");
    try (Upstream reviews = new Upstream()) {
      Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
      Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).configDirectory(dir).mtls(true).admin(0)
          .endpoint("reviews", "127.0.0.1", reviews.port()).build();
      int admin = mesh.adminAddress().orElseThrow().getPort();
      for (int i = 0; i < 3; i++) {
        try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/" + i).build()).execute()) {
          r.body().string();
        }
      }
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", admin)) {
        s.getOutputStream().write("GET /healthz/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
            .startsWith("HTTP/1.1 200");
      }
      assertThat(OpenSockets.connectedTo(reviews.port())).as("pooled connections to the upstream").isNotEmpty();
      assertThat(OpenSockets.onLocalPort(admin)).as("the admin listener").isNotEmpty();
      assertThat(newThreads(before)).anySatisfy(n -> assertThat(n).isEqualTo("meshlet-productpage-admin"));

      mesh.close();

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((!newThreads(before).isEmpty() || !OpenSockets.connectedTo(reviews.port()).isEmpty()
          || !OpenSockets.onLocalPort(admin).isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(OpenSockets.connectedTo(reviews.port())).as("sockets to the upstream after close").isEmpty();
      assertThat(OpenSockets.onLocalPort(admin)).as("sockets on the admin port after close").isEmpty();
      assertThat(newThreads(before)).isEmpty();
      try (java.net.ServerSocket again = new java.net.ServerSocket(admin, 1, java.net.InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).as("the admin port is free again").isEqualTo(admin);
      }
    }
  }

  @Test
  void aFailedStartReleasesWhatItHadStarted() {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mesh.builder(ServiceIdentity.of("productpage"))
            .configDirectory(dir.resolve("missing")).build())
        .hasMessageContaining("missing").hasMessageContaining("does not exist");
    assertThat(newThreads(before)).isEmpty();
  }
}
