package dev.meshlet.agent.server.jetty;

import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * A Jetty 12 server whose handler runs inside the mesh's inbound chain.
 *
 * <p>With a workload certificate the connector serves mutual TLS and plaintext on one port:
 * Jetty's {@code DetectorConnectionFactory} hands a connection that opens with a TLS record to
 * TLS (client certificate required, verified by the workload context's SPIFFE trust manager) and
 * anything else to plain HTTP. The mode PeerAuthentication gives the port in the snapshot in force
 * is then enforced per request, as on {@code MeshJdkServer}: STRICT closes plaintext connections,
 * DISABLE closes TLS ones. Without a certificate the connector is plaintext only.
 *
 * <p>HTTP/2: with {@code jetty-http2-server} on the class path, plaintext connections also speak
 * h2c (prior knowledge or upgrade); with {@code jetty-alpn-java-server} too, TLS connections
 * negotiate h2 by ALPN. Both are optional dependencies of mesh-agent.
 *
 * <pre>{@code
 * try (MeshJettyServer server = MeshJettyServer.builder(inboundContext)
 *     .port(9080)
 *     .handler(new Handler.Abstract() { ... MeshHandler.call(request).source() ... })
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
public final class MeshJettyServer implements AutoCloseable {

  /** Maximum threads of the server's pool. */
  public static final int DEFAULT_MAX_THREADS = 200;

  private final Server server;
  private final ServerConnector connector;
  private final MeshHandler handler;
  private final List<String> protocols;

  private MeshJettyServer(Server server, ServerConnector connector, MeshHandler handler) {
    this.server = server;
    this.connector = connector;
    this.handler = handler;
    this.protocols = List.copyOf(connector.getProtocols());
  }

  /** Starts building a server for the workload {@code context} describes. */
  public static Builder builder(InboundContext context) {
    return new Builder(context);
  }

  /** The port the connector listens on (the one the OS chose when built with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The connector's protocols in order, e.g. {@code [detector, http/1.1, h2c, ssl, alpn, h2]}, for diagnostics. */
  public List<String> protocols() {
    return protocols;
  }

  /** The chains the handler runs in (denial count, the chain in force). */
  public InboundChains chains() {
    return handler.chains();
  }

  /** The Jetty server, for what this class does not configure (stop it through {@link #close()}). */
  public Server jetty() {
    return server;
  }

  /** Stops the connector, the handler and the thread pool, and waits for them. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("MeshJettyServer on port " + port() + ": stop failed: " + e.getMessage(), e);
    } finally {
      server.destroy();
    }
  }

  @Override
  public String toString() {
    return "MeshJettyServer{port=" + port() + ", protocols=" + protocols + "}";
  }

  /** Collects the port, handler and options of a {@link MeshJettyServer}. */
  public static final class Builder {
    private final InboundContext context;
    private @Nullable String host;
    private int port;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private boolean http2 = true;
    private @Nullable Handler handler;

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

    /** The host or address to bind; all interfaces by default. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The most threads Jetty's pool may have. */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 4) {
        throw new IllegalArgumentException("maxThreads: " + maxThreads + " (expected: 4 or more; Jetty needs some for selectors)");
      }
      this.maxThreads = maxThreads;
      return this;
    }

    /** Whether to serve HTTP/2 where the optional Jetty modules allow it (default true). */
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /** The application's handler, run inside the chain. */
    public Builder handler(Handler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Builds and starts the server.
     *
     * @throws IllegalStateException when no handler was given or Jetty cannot start (port taken)
     */
    public MeshJettyServer start() {
      if (handler == null) {
        throw new IllegalStateException("MeshJettyServer: no handler (expected: builder.handler(...))");
      }
      WorkloadCertificateManager certificates = context.certificates();
      QueuedThreadPool threads = new QueuedThreadPool(maxThreads);
      // Named apart so a thread dump of a process with both kinds tells their selectors apart.
      threads.setName(certificates != null ? "meshlet-jetty-tls" : "meshlet-jetty");
      Server server = new Server(threads);

      HttpConfiguration config = new HttpConfiguration();
      config.setSendServerVersion(false);
      // Mesh peers dial addresses and verify SPIFFE IDs, not host names: no SNI host check.
      SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
      secure.setSniHostCheck(false);
      config.addCustomizer(secure);

      boolean h2c = http2 && present("org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory");
      boolean h2 = h2c && present("org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory")
          && present("org.eclipse.jetty.alpn.java.server.JDK9ServerALPNProcessor");

      List<ConnectionFactory> factories = new ArrayList<>();
      HttpConnectionFactory http1 = new HttpConnectionFactory(config);
      if (certificates != null) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        // The workload's one context: rotations reach the next handshake without a restart.
        tls.setSslContext(certificates.sslContext());
        tls.setNeedClientAuth(true);
        tls.setSniRequired(false);
        SslConnectionFactory ssl = new SslConnectionFactory(tls, h2 ? "alpn" : http1.getProtocol());
        // The detector's fallback for plaintext is the factory after it: plain HTTP/1.1.
        factories.add(new DetectorConnectionFactory(ssl));
        factories.add(http1);
        if (h2c) {
          factories.add(Http2Factories.h2c(config));
        }
        factories.add(ssl);
        if (h2) {
          factories.add(Http2Factories.alpn());
          factories.add(Http2Factories.h2(config));
        }
      } else {
        factories.add(http1);
        if (h2c) {
          factories.add(Http2Factories.h2c(config));
        }
      }
      ServerConnector connector = new ServerConnector(server, factories.toArray(new ConnectionFactory[0]));
      connector.setPort(port);
      if (host != null) {
        connector.setHost(host);
      }
      server.addConnector(connector);
      MeshHandler mesh = new MeshHandler(InboundChains.of(context), handler);
      server.setHandler(mesh);
      try {
        server.start();
      } catch (Exception e) {
        try {
          server.stop();
        } catch (Exception ignored) {
          // Already failing; the start error is the one to report.
        }
        throw new IllegalStateException("MeshJettyServer: cannot start on " + (host == null ? "*" : host) + ":" + port
            + ": " + e.getMessage(), e);
      }
      return new MeshJettyServer(server, connector, mesh);
    }

    private static boolean present(String className) {
      try {
        Class.forName(className, false, MeshJettyServer.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
