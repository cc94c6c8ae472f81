package dev.meshlet.agent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshlet.agent.Mesh;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh's admin endpoint, as Envoy's admin port: {@code /stats/prometheus}, {@code /config_dump},
 * {@code /clusters}, {@code /certs}, {@code /healthz/ready} and {@code /logging}. Served by the
 * JDK's HttpServer on one thread of its own; changes ({@code POST}) are taken from loopback only,
 * whatever the bound address. Started and closed by the {@link Mesh} that {@code admin(...)} was
 * given to.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";
  /** Prometheus' text exposition format, as Envoy's /stats/prometheus answers. */
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  /** Path to what it shows, for the index page. */
  private static final Map<String, String> ENDPOINTS = endpoints();

  private final Mesh mesh;
  private final Clock clock;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final LogLevels logLevels = LogLevels.detect();

  private AdminServer(Mesh mesh, AdminOptions options, Clock clock) throws IOException {
    this.mesh = mesh;
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress(options.address(), options.port()), 0);
    String name = "meshlet-" + mesh.identity().name() + "-admin";
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  /**
   * Starts the admin endpoint of {@code mesh} at {@code options}.
   *
   * @throws IOException when the address cannot be bound (port in use), naming it
   */
  public static AdminServer start(Mesh mesh, AdminOptions options, Clock clock) throws IOException {
    try {
      return new AdminServer(mesh, options, clock);
    } catch (IOException e) {
      throw new IOException("admin endpoint cannot listen on " + options.address() + ":" + options.port() + ": " + e, e);
    }
  }

  /** The address and port it listens on (the chosen port when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      boolean write = method.equals("POST");
      if (!write && !method.equals("GET") && !method.equals("HEAD")) {
        send(exchange, 405, TEXT, method + " not allowed (expected: GET, or POST for changes)\n");
        return;
      }
      if (write && !exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
        send(exchange, 403, TEXT, "changes are taken from loopback only; "
            + exchange.getRemoteAddress().getAddress().getHostAddress() + " is not\n");
        return;
      }
      switch (path) {
        case "/", "" -> send(exchange, 200, TEXT, index());
        case "/stats/prometheus" -> send(exchange, 200, PROMETHEUS, scrape());
        case "/config_dump" -> sendJson(exchange, 200, ConfigDump.json(mesh.effectiveConfig(), mesh.isReady()));
        case "/clusters" -> {
          if ("json".equals(query(exchange).get("format"))) {
            sendJson(exchange, 200, ClustersView.json(mesh.routing().clusters()));
          } else {
            send(exchange, 200, TEXT, ClustersView.text(mesh.routing().clusters()));
          }
        }
        case "/certs" -> sendJson(exchange, 200, CertsView.json(mesh.identity().spiffeId().toString(),
            mesh.certificates().map(c -> c.current()).orElse(null), clock));
        case "/healthz/ready" -> {
          List<String> waiting = mesh.waitingFor();
          if (mesh.isReady()) {
            send(exchange, 200, TEXT, "LIVE\n");
          } else {
            send(exchange, 503, TEXT, "NOT READY: waiting for "
                + (waiting.isEmpty() ? "nothing (the mesh is closed)" : String.join("; ", waiting)) + "\n");
          }
        }
        case "/logging" -> logging(exchange, write);
        default -> send(exchange, 404, TEXT, "no admin endpoint " + path + " (see / for the list)\n");
      }
    } catch (RuntimeException e) {
      log.warn("admin {} failed", exchange.getRequestURI(), e);
      try {
        send(exchange, 500, TEXT, "admin " + exchange.getRequestURI().getPath() + " failed: " + e + "\n");
      } catch (IOException | RuntimeException ignored) {
        // The headers were already sent: the client sees a cut response.
      }
    }
  }

  private String scrape() {
    return mesh.prometheusRegistry().map(PrometheusMeterRegistry::scrape).orElse("");
  }

  private void logging(HttpExchange exchange, boolean write) throws IOException {
    Map<String, String> query = query(exchange);
    if (write && !query.isEmpty()) {
      try {
        for (Map.Entry<String, String> e : query.entrySet()) {
          // Envoy's POST /logging?level=debug changes every logger: here the root one.
          logLevels.set(e.getKey().equals("level") ? LogLevels.ROOT : e.getKey(), e.getValue());
        }
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        send(exchange, 400, TEXT, e.getMessage() + "\n");
        return;
      }
    } else if (write) {
      send(exchange, 400, TEXT, "POST /logging?<logger>=<level> (expected: a logger name, or level, and one of "
          + String.join(", ", LogLevels.LEVELS) + ")\n");
      return;
    }
    StringBuilder out = new StringBuilder("backend: ").append(logLevels.backend())
        .append(logLevels.canChange() ? "" : " (levels cannot be changed at run time with this backend)").append('\n');
    logLevels.levels().forEach((name, level) -> out.append(name).append(": ").append(level).append('\n'));
    send(exchange, 200, TEXT, out.toString());
  }

  private String index() {
    StringBuilder out = new StringBuilder("Meshlet admin: " + mesh.identity().spiffeId() + "\n\n");
    ENDPOINTS.forEach((path, what) -> out.append(String.format("  %-18s %s%n", path, what)));
    return out.toString();
  }

  private static Map<String, String> endpoints() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("/stats/prometheus", "the mesh's metrics in Prometheus text format");
    m.put("/config_dump", "the effective config: each resource with its source, what was overridden or refused");
    m.put("/clusters", "outbound clusters: endpoints with health, ejection, requests in flight, pool usage (?format=json)");
    m.put("/certs", "the workload's identity, certificate chain, expiry and trust bundle");
    m.put("/healthz/ready", "200 when ready, 503 with what the mesh waits for");
    m.put("/logging", "log levels; POST /logging?dev.meshlet.routing=debug changes one (loopback only)");
    return m;
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  private void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
    send(exchange, status, JSON, json.writeValueAsString(body) + "\n");
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, max-age=0");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Stops listening and ends its thread. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
