package dev.meshlet.examples.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.core.registry.WorkloadInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One running Bookinfo workload: its service handler inside a {@link MeshJdkServer}, its mesh
 * runtime with Meshlet's admin endpoint, (when given a discovery server) its registration and
 * certificate, and the demo's controls on a port of their own.
 */
public final class BookinfoWorkload implements AutoCloseable {

  /** The Bookinfo services. */
  public enum Service {
    PRODUCTPAGE,
    DETAILS,
    REVIEWS,
    RATINGS;

    /** The service's name in the mesh. */
    public String serviceName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The service named {@code name}, ignoring case. */
    public static Service of(String name) {
      for (Service s : values()) {
        if (s.serviceName().equalsIgnoreCase(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("service: '" + name + "' (expected: productpage, details, reviews or ratings)");
    }
  }

  /**
   * How to start a workload.
   *
   * @param port the application port (0: any free one)
   * @param adminPort the admin endpoint's port (0: any free one)
   * @param controlPort the demo controls' port (0: any free one): {@code POST /demo/fail?status=N},
   *     {@code GET /demo/served}; kept off the admin endpoint, which is Meshlet's
   * @param discovery the discovery server's URL, or null to run alone (unknown hosts pass through)
   * @param token the bootstrap token proving the workload's service account, with {@code discovery}
   * @param trustBundle the mesh root(s) an {@code https} discovery server's certificate chains to
   *     (PEM), or null for an {@code http} one
   * @param peers base URLs of the services this one calls, by service name; a service not named is
   *     called as {@code http://NAME}, which the mesh resolves
   * @param reviewsTimeout productpage's timeout per try toward reviews
   */
  public record Options(Service service, String version, String namespace, int port, int adminPort, int controlPort,
      @Nullable String discovery, @Nullable String token, @Nullable Path trustBundle, Map<String, String> peers,
      Duration reviewsTimeout) {
    public Options {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(namespace, "namespace");
      peers = Map.copyOf(peers);
      Objects.requireNonNull(reviewsTimeout, "reviewsTimeout");
      if (discovery != null && (token == null || token.isEmpty())) {
        throw new IllegalArgumentException("token: missing (expected: a bootstrap token from 'meshctl token create "
            + service.serviceName() + "' when --discovery is given)");
      }
    }

    /** These options with {@code service} called at {@code baseUrl} instead of through the registry. */
    public Options withPeer(String service, String baseUrl) {
      Map<String, String> more = new java.util.HashMap<>(peers);
      more.put(service, baseUrl);
      return new Options(this.service, version, namespace, port, adminPort, controlPort, discovery, token, trustBundle, more, reviewsTimeout);
    }

    /** These options with productpage's timeout per try toward reviews. */
    public Options withReviewsTimeout(Duration timeout) {
      return new Options(service, version, namespace, port, adminPort, controlPort, discovery, token, trustBundle, peers, timeout);
    }

    String peer(String name) {
      return peers.getOrDefault(name, "http://" + name);
    }

    /** Options for {@code service} in namespace default on any free ports, alone. */
    public static Options of(Service service, String version) {
      return new Options(service, version, "default", 0, 0, 0, null, null, null, Map.of(), ProductPage.REVIEWS_TIMEOUT);
    }
  }

  private final Options options;
  private final ServiceMesh mesh;
  private final MeshJdkServer server;
  private final HttpServer control;
  private final ExecutorService controlExecutor = Executors.newFixedThreadPool(2);
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong shadowed = new AtomicLong();
  private final AtomicInteger failWith = new AtomicInteger();

  private BookinfoWorkload(Options options) throws IOException {
    this.options = options;
    // The port must be known before the mesh registers the workload: choose it first.
    InetAddress loopback = InetAddress.getLoopbackAddress();
    String name = options.service().serviceName();
    int port = options.port() != 0 ? options.port() : freePort();
    WorkloadInstance self = new WorkloadInstance(name, options.namespace(), loopback.getHostAddress(),
        Map.of("http", port), Map.of("app", name, "version", options.version()), name, null);
    this.mesh = new ServiceMesh(self, options.adminPort(), options.discovery(), options.token(), options.trustBundle());
    this.server = MeshJdkServer.builder(mesh.inbound()).bindAddress(loopback).port(port)
        .handler("/", new Counting(handlerFor(options, mesh))).start();
    this.control = HttpServer.create(new InetSocketAddress(loopback, options.controlPort()), 0);
    control.setExecutor(controlExecutor);
    control.createContext("/", this::control);
    control.start();
  }

  /**
   * Starts a workload as {@code options} say and, with a discovery server, waits up to
   * {@code wait} for its first config.
   */
  public static BookinfoWorkload start(Options options, Duration wait) throws IOException, InterruptedException {
    BookinfoWorkload workload = new BookinfoWorkload(options);
    if (options.discovery() != null && !workload.mesh.awaitReady(wait)) {
      workload.close();
      throw new IOException(options.service().serviceName() + ": no config from " + options.discovery() + " within "
          + wait.toSeconds() + " s");
    }
    return workload;
  }

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static HttpHandler handlerFor(Options options, ServiceMesh mesh) {
    return switch (options.service()) {
      case PRODUCTPAGE -> new ProductPage(mesh::httpClient, options.peer("details"), options.peer("reviews"), options.reviewsTimeout());
      case DETAILS -> new Details(options.version());
      case REVIEWS -> new Reviews(options.version(), "reviews-" + options.version() + "-" + mesh.self().ports().get("http"),
          mesh::httpClient, options.peer("ratings"));
      case RATINGS -> new Ratings(options.version());
    };
  }

  /** The application port. */
  public int port() {
    return server.port();
  }

  /** Meshlet's admin endpoint's port. */
  public int adminPort() {
    return mesh.adminPort();
  }

  /** The demo controls' port. */
  public int controlPort() {
    return control.getAddress().getPort();
  }

  /** The mesh runtime this workload runs in. */
  public ServiceMesh mesh() {
    return mesh;
  }

  /** Counts requests and, while the demo asks it to, answers them with a failure status. */
  private final class Counting implements HttpHandler {
    private final HttpHandler delegate;

    Counting(HttpHandler delegate) {
      this.delegate = delegate;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (host != null && host.contains("-shadow")) {
        shadowed.incrementAndGet();
      } else {
        served.incrementAndGet();
      }
      int status = failWith.get();
      if (status != 0) {
        exchange.getRequestBody().readAllBytes();
        Exchanges.error(exchange, status, options.service().serviceName() + " " + options.version()
            + " is failing on purpose (POST /demo/fail on its control port)");
        return;
      }
      delegate.handle(exchange);
    }
  }

  private void control(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/demo/served" -> Exchanges.send(exchange, 200, Exchanges.JSON.createObjectNode()
            .put("served", served.get()).put("shadowed", shadowed.get()));
        case "/demo/fail" -> {
          String status = Exchanges.query(exchange).getOrDefault("status", "503");
          failWith.set(Integer.parseInt(status));
          Exchanges.send(exchange, 200, Exchanges.JSON.createObjectNode().put("failWith", failWith.get()));
        }
        default -> Exchanges.error(exchange, 404, "no such demo control: " + path
            + " (expected: POST /demo/fail?status=N, GET /demo/served; the admin endpoint is on port " + adminPort() + ")");
      }
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException("control " + exchange.getRequestURI() + ": " + e, e));
    }
  }

  @Override
  public void close() {
    server.close();
    control.stop(0);
    controlExecutor.shutdownNow();
    mesh.close();
  }
}
