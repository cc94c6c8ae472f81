package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Test helpers: workloads without a discovery server, a peer that records what it was sent, GET as JSON. */
final class Workloads {

  static final ObjectMapper JSON = new ObjectMapper();
  static final OkHttpClient CLIENT = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();

  private Workloads() {}

  static BookinfoWorkload start(BookinfoWorkload.Options options) throws Exception {
    return BookinfoWorkload.start(options, Duration.ofSeconds(5));
  }

  /** The status and JSON body of {@code GET url}, with {@code headers}. */
  record Answer(int status, JsonNode body) {}

  static Answer get(String url, Map<String, String> headers) throws IOException {
    Request.Builder request = new Request.Builder().url(url);
    headers.forEach(request::header);
    try (Response response = CLIENT.newCall(request.build()).execute()) {
      return new Answer(response.code(), JSON.readTree(response.body().string()));
    }
  }

  static Answer get(String url) throws IOException {
    return get(url, Map.of());
  }

  /** A stand-in peer on loopback that answers {@code status} with {@code body} and records each request's headers. */
  static final class Peer implements AutoCloseable {
    final HttpServer server;
    final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();

    Peer(int status, String body) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        requests.add(Map.copyOf(exchange.getRequestHeaders()));
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
      });
      server.setExecutor(executor);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
