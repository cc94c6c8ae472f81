package dev.meshlet.agent.server.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.agent.server.InboundTelemetry;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import dev.meshlet.agent.server.MeshFixture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many connections at once, each sending request after request, against an application
 * handler Jetty may run without a thread hand-off (a {@code Handler.Abstract.NonBlocking}, as the
 * load benchmark's). Every request must be answered: a server that stops reading a connection
 * after one request leaves its client waiting until the call times out.
 */
class MeshJettyConcurrencyTest {

  private static final int CONNECTIONS = 16;
  private static final int REQUESTS_PER_CONNECTION = 50;

  @TempDir Path dir;
  MeshFixture mesh;
  ExecutorService callers;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new MeshFixture(dir);
    callers = Executors.newFixedThreadPool(CONNECTIONS);
  }

  @AfterEach
  void tearDown() {
    callers.shutdownNow();
    mesh.close();
  }

  @Test
  void sixteenKeepAliveConnectionsAllGetEveryAnswerInPlaintext() throws Exception {
    try (MeshJettyServer server = server(mesh.plaintextContext())) {
      assertThat(hammer(client(mesh.plain), "http://127.0.0.1:" + server.port() + "/ok"))
          .isEqualTo(CONNECTIONS * REQUESTS_PER_CONNECTION);
    }
  }

  @Test
  void sixteenKeepAliveConnectionsAllGetEveryAnswerOverMutualTls() throws Exception {
    try (MeshJettyServer server = server(mesh.context())) {
      assertThat(hammer(client(mesh.mesh), "https://127.0.0.1:" + server.port() + "/ok"))
          .isEqualTo(CONNECTIONS * REQUESTS_PER_CONNECTION);
    }
  }

  @Test
  void requestsWaitingForReadinessDoNotStallTheOtherConnections() throws Exception {
    CountDownLatch ready = new CountDownLatch(1);
    InboundContext base = mesh.plaintextContext();
    InboundContext starting = new InboundContext() {
      @Override public ConfigSnapshot snapshot() { return base.snapshot(); }
      @Override public WorkloadIdentity identity() { return base.identity(); }
      @Override public Map<String, String> labels() { return base.labels(); }
      @Override public @Nullable WorkloadCertificateManager certificates() { return null; }
      @Override public InboundTelemetry telemetry() { return base.telemetry(); }
      @Override public Clock clock() { return base.clock(); }
      @Override public boolean isReady() { return ready.getCount() == 0; }
      @Override public boolean awaitReady() throws InterruptedException { return ready.await(20, TimeUnit.SECONDS); }
    };
    try (MeshJettyServer server = server(starting)) {
      OkHttpClient client = client(mesh.plain);
      String url = "http://127.0.0.1:" + server.port() + "/ok";
      List<Future<Integer>> calls = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        calls.add(callers.submit(() -> {
          try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code();
          }
        }));
      }
      // Each connection's request is read and waits on its own: none is stuck behind another's wait.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.chains().waitingForReadiness() < CONNECTIONS && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      int waiting = server.chains().waitingForReadiness();
      ready.countDown();
      assertThat(waiting).as("requests waiting for readiness at once").isEqualTo(CONNECTIONS);
      for (Future<Integer> call : calls) {
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      }
      client.connectionPool().evictAll();
    }
  }

  private static MeshJettyServer server(InboundContext context) {
    return MeshJettyServer.builder(context)
        .host("127.0.0.1")
        .maxThreads(64)
        .http2(false)
        .handler(new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
              org.eclipse.jetty.util.Callback callback) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap("ok\n".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        })
        .start();
  }

  /** A client with room for one idle connection per caller, so each caller keeps its own alive. */
  private static OkHttpClient client(OkHttpClient base) {
    return base.newBuilder().connectionPool(new ConnectionPool(CONNECTIONS, 1, TimeUnit.MINUTES)).build();
  }

  /** Runs the callers and returns how many requests got a 200 within 30 s. */
  private int hammer(OkHttpClient client, String url) throws Exception {
    AtomicInteger answered = new AtomicInteger();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      running.add(callers.submit(() -> {
        for (int i = 0; i < REQUESTS_PER_CONNECTION && !Thread.currentThread().isInterrupted(); i++) {
          try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            if (response.code() == 200 && "ok\n".equals(response.body().string())) {
              answered.incrementAndGet();
            }
          }
        }
        return null;
      }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Future<?> f : running) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        // Counted below: a caller that timed out or failed left requests unanswered.
      }
    }
    client.connectionPool().evictAll();
    return answered.get();
  }
}
