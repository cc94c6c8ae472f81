package dev.meshlet.agent.server.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.server.MeshFixture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over mutual TLS, one connection's request in progress must not hold back the requests of the
 * server's other connections, even when the application says it does not block. Jetty would run
 * such a handler, and the TLS work of its connection, on the selector thread, serving all
 * connections of that selector one after the other: under load the others' requests sat unread in
 * their sockets (the mTLS throughput stall of docs/inbound.md, "Threads").
 */
class MeshJettyTlsConnectionsTest {

  private static final int OTHERS = 15;

  @TempDir Path dir;
  MeshFixture mesh;
  ExecutorService callers;

  @BeforeEach
  void setUp() throws Exception {
    mesh = new MeshFixture(dir);
    callers = Executors.newFixedThreadPool(OTHERS + 1);
  }

  @AfterEach
  void tearDown() {
    callers.shutdownNow();
    mesh.close();
  }

  @Test
  void aRequestInProgressDoesNotHoldBackTheOtherConnectionsRequests() throws Exception {
    CountDownLatch othersAnswered = new CountDownLatch(OTHERS);
    CountDownLatch holding = new CountDownLatch(1);
    try (MeshJettyServer server = server(othersAnswered, holding)) {
      OkHttpClient client = mesh.mesh.newBuilder()
          .connectionPool(new ConnectionPool(OTHERS + 1, 1, TimeUnit.MINUTES)).build();
      String base = "https://127.0.0.1:" + server.port();
      Future<String> held = callers.submit(() -> call(client, base + "/hold"));
      assertThat(holding.await(10, TimeUnit.SECONDS)).as("the held request reached the application").isTrue();

      // Each on its own connection (the held one is busy), handshake included.
      List<Future<String>> others = new ArrayList<>();
      for (int i = 0; i < OTHERS; i++) {
        others.add(callers.submit(() -> call(client, base + "/ok")));
      }
      for (Future<String> other : others) {
        assertThat(other.get(15, TimeUnit.SECONDS)).isEqualTo("200 ok\n");
      }
      assertThat(held.get(15, TimeUnit.SECONDS))
          .as("the held request saw every other connection answered while it was in progress")
          .isEqualTo("200 released\n");
      assertThat(client.connectionPool().connectionCount()).isEqualTo(OTHERS + 1);
      client.connectionPool().evictAll();
    }
  }

  private static String call(OkHttpClient client, String url) throws Exception {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code() + " " + response.body().string();
    }
  }

  /**
   * A non-blocking application whose {@code /hold} answers once the other connections' requests
   * were answered (or after 10 s, saying so), and whose {@code /ok} answers at once.
   */
  private MeshJettyServer server(CountDownLatch othersAnswered, CountDownLatch holding) {
    return MeshJettyServer.builder(mesh.context())
        .host("127.0.0.1")
        .maxThreads(64)
        .http2(false)
        .handler(new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
              Callback callback) throws InterruptedException {
            String body;
            if (request.getHttpURI().getPath().equals("/hold")) {
              holding.countDown();
              body = othersAnswered.await(10, TimeUnit.SECONDS) ? "released\n" : "still waiting for the others\n";
            } else {
              othersAnswered.countDown();
              body = "ok\n";
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        })
        .start();
  }
}
