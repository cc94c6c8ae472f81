package dev.meshlet.agent.server.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.meshlet.agent.server.InboundCall;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.tls.permissive.JdkServerTls;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A JDK {@code HttpServer} whose handlers run inside the mesh's inbound chain.
 *
 * <p>With a workload certificate the port is an {@code HttpsServer} that accepts mutual TLS (a
 * client certificate is required and its SPIFFE ID verified against the trust bundle) and
 * plaintext on the same port, told apart by the first byte; the chain then enforces the mode
 * PeerAuthentication gives the port <em>in the snapshot in force</em>, per request: STRICT closes
 * a plaintext connection without an answer (as Envoy resets it), DISABLE closes a TLS one,
 * PERMISSIVE serves both. So a PeerAuthentication change applies without restarting the server.
 * Without a certificate the port is a plain {@code HttpServer}, and STRICT refuses everything.
 *
 * <pre>{@code
 * try (MeshJdkServer server = MeshJdkServer.builder(inboundContext)
 *     .port(9080)
 *     .handler("/", exchange -> { ... MeshJdkServer.call(exchange).source().principal() ... })
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
public final class MeshJdkServer implements AutoCloseable {

  /** Worker threads when the builder is given no executor. */
  public static final int DEFAULT_THREADS = 16;

  private final HttpServer server;
  private final InboundChains chains;
  private final @Nullable ExecutorService ownExecutor;

  private MeshJdkServer(HttpServer server, InboundChains chains, @Nullable ExecutorService ownExecutor) {
    this.server = server;
    this.chains = chains;
    this.ownExecutor = ownExecutor;
  }

  /** Starts building a server for the workload {@code context} describes. */
  public static Builder builder(InboundContext context) {
    return new Builder(context);
  }

  /**
   * The chain's view of the request {@code exchange} carries: the caller's identity and what
   * authorization decided.
   *
   * @throws IllegalStateException when the exchange was not served by a {@link MeshJdkServer}
   */
  public static InboundCall call(HttpExchange exchange) {
    Object call = exchange.getAttribute(InboundCall.ATTRIBUTE);
    if (call instanceof InboundCall inbound) {
      return inbound;
    }
    throw new IllegalStateException("exchange " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
        + " has no " + InboundCall.ATTRIBUTE + " attribute (expected: a handler registered on a MeshJdkServer)");
  }

  /** The port the server listens on (the one the OS chose when built with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Whether the port accepts mutual TLS (it has a workload certificate). */
  public boolean tls() {
    return server instanceof HttpsServer;
  }

  /** The chains the handlers run in (denial count, the chain in force). */
  public InboundChains chains() {
    return chains;
  }

  /** Stops accepting, closes the connections and stops the threads this server made. */
  @Override
  public void close() {
    server.stop(0);
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
      try {
        if (!ownExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("MeshJdkServer on port " + port()
              + ": worker threads still running 10 s after close (a handler ignores interruption)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "MeshJdkServer{" + address() + (tls() ? ", mtls" : ", plaintext") + "}";
  }

  /** Collects the address, handlers and threads of a {@link MeshJdkServer}. */
  public static final class Builder {
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final InboundContext context;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private boolean anyAddress = true;
    private int port;
    private int backlog;
    private int threads = DEFAULT_THREADS;
    private @Nullable ExecutorService executor;
    private final Map<String, HttpHandler> handlers = new LinkedHashMap<>();

    private Builder(InboundContext context) {
      this.context = Objects.requireNonNull(context, "context");
    }

    /** The port to listen on; 0 (the default) lets the OS choose. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** The local address to bind; all interfaces by default. */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      this.anyAddress = false;
      return this;
    }

    /** The accept backlog; 0 (the default) is the system's. */
    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    /** Worker threads the server makes and stops on close; ignored when an executor is given. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads: " + threads + " (expected: 1 or more)");
      }
      this.threads = threads;
      return this;
    }

    /** Runs handlers on the caller's executor, which the caller shuts down (close does not). */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Serves requests under {@code path} (the JDK's context path) with {@code handler}, inside the chain. */
    public Builder handler(String path, HttpHandler handler) {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(handler, "handler");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("handler path: '" + path + "' (expected: starting with /)");
      }
      if (handlers.putIfAbsent(path, handler) != null) {
        throw new IllegalArgumentException("handler path: '" + path + "' registered twice");
      }
      return this;
    }

    /**
     * The JDK server leaves Nagle's algorithm on unless a system property says otherwise, read
     * once when its first server is made; with delayed ACKs every keep-alive exchange then waits
     * about 40 ms, which no mesh hop may cost. So the property is set here, before the first
     * server, unless the application set it itself.
     */
    private static void disableNagleUnlessTold() {
      if (System.getProperty(NODELAY_PROPERTY) == null) {
        System.setProperty(NODELAY_PROPERTY, "true");
      }
    }

    /**
     * Binds and starts the server.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public MeshJdkServer start() {
      disableNagleUnlessTold();
      InboundChains chains = InboundChains.of(context);
      WorkloadCertificateManager certificates = context.certificates();
      InetSocketAddress address = anyAddress ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
      HttpServer server;
      try {
        if (certificates != null) {
          HttpsServer https = HttpsServer.create(address, backlog);
          // PERMISSIVE on the socket, the snapshot's mode per request: see the class comment.
          https.setHttpsConfigurator(JdkServerTls.configurator(Mode.PERMISSIVE, certificates.sslContext()));
          server = https;
        } else {
          server = HttpServer.create(address, backlog);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("MeshJdkServer: cannot listen on " + address + ": " + e.getMessage(), e);
      }
      for (Map.Entry<String, HttpHandler> e : handlers.entrySet()) {
        server.createContext(e.getKey(), new ChainHandler(chains, e.getValue()));
      }
      ExecutorService own = null;
      if (executor != null) {
        server.setExecutor(executor);
      } else {
        own = Executors.newFixedThreadPool(threads, new Named("meshlet-jdk-" + server.getAddress().getPort()));
        server.setExecutor(own);
      }
      server.start();
      return new MeshJdkServer(server, chains, own);
    }
  }

  private static final class Named implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    Named(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      return new Thread(r, prefix + "-" + next.incrementAndGet());
    }
  }
}
