package dev.meshlet.benchmarks.server;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The bench server on Jetty 12's core API (no servlets): a non-blocking handler writes a
 * pre-built body, so the server's own cost is as small and steady as Jetty can make it.
 */
public final class JettyBenchServer implements BenchServer {
  /** As HAProxy's keep-alive timeout in the sidecar scenario, and above the client's 20 s. */
  static final long IDLE_TIMEOUT_MILLIS = 60_000;
  private static final ByteBuffer BODY_BUFFER = ByteBuffer.wrap(BODY).asReadOnlyBuffer();

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
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
        response.write(true, BODY_BUFFER.slice(), callback);
        return true;
      }
    });
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
