package dev.meshlet.agent.server.servlet;

import dev.meshlet.agent.server.InboundAdapterContract;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The inbound walk as a servlet filter in Jetty's ee10 servlet container, which terminates TLS
 * itself (TLS and plaintext on one port, client certificates wanted, trusting the mesh's roots):
 * the filter reads and verifies the peer certificate the container hands it.
 */
class MeshServletFilterTest extends InboundAdapterContract {

  @Override
  protected boolean closesRefusedConnections() {
    return false;
  }

  @Override
  protected Running start(InboundContext context) throws Exception {
    Server server = new Server(new QueuedThreadPool(16, 4));
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new SecureRequestCustomizer(false));
    HttpConnectionFactory http = new HttpConnectionFactory(config);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(mesh.serverCerts.sslContext());
    tls.setWantClientAuth(true);
    SslConnectionFactory ssl = new SslConnectionFactory(tls, http.getProtocol());
    ServerConnector connector = new ServerConnector(server, new DetectorConnectionFactory(ssl), http, ssl);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);

    MeshServletFilter filter = new MeshServletFilter(context);
    ServletContextHandler app = new ServletContextHandler();
    app.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    app.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = mesh.describe(MeshServletFilter.call(req));
        resp.setContentType("text/plain; charset=utf-8");
        resp.getWriter().write(body);
      }
    }), "/*");
    server.setHandler(app);
    server.start();
    return new Running() {
      @Override
      public int port() {
        return connector.getLocalPort();
      }

      @Override
      public InboundChains chains() {
        return filter.chains();
      }

      @Override
      public void close() {
        try {
          server.stop();
          server.destroy();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }
}
