package dev.meshlet.benchmarks.server;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The bench server on Jetty 12's core API (no servlets), serving {@link BenchHandler} on one
 * plaintext and one mTLS connector, one selector each.
 */
public final class JettyBenchServer implements BenchServer {
  /** As HAProxy's keep-alive timeout in the sidecar scenario, and above the client's 20 s. */
  static final long IDLE_TIMEOUT_MILLIS = 60_000;

  private final Server server;
  private final ServerConnector plain;
  private final ServerConnector mtls;

  private JettyBenchServer(Server server, ServerConnector plain, ServerConnector mtls) {
    this.server = server;
    this.plain = plain;
    this.mtls = mtls;
  }

  /** Starts the server on ephemeral loopback ports; {@code sslContext} holds the server identity. */
  public static JettyBenchServer start(SSLContext sslContext) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName("bench-jetty");
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);

    ServerConnector plain = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    plain.setHost("127.0.0.1");
    plain.setPort(0);
    plain.setIdleTimeout(IDLE_TIMEOUT_MILLIS);

    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(sslContext);
    ssl.setNeedClientAuth(true);
    ServerConnector mtls = new ServerConnector(server, 1, 1,
        new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(config));
    mtls.setHost("127.0.0.1");
    mtls.setPort(0);
    mtls.setIdleTimeout(IDLE_TIMEOUT_MILLIS);

    server.addConnector(plain);
    server.addConnector(mtls);
    server.setHandler(new BenchHandler());
    server.start();
    return new JettyBenchServer(server, plain, mtls);
  }

  @Override
  public int plainPort() {
    return plain.getLocalPort();
  }

  @Override
  public int mtlsPort() {
    return mtls.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
