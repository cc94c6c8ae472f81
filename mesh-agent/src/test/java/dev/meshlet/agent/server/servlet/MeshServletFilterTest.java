package dev.meshlet.agent.server.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.server.InboundAdapterContract;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.agent.server.MeshFixture;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.testing.Command;
import dev.meshlet.tls.workload.CertificateRequests;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
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
import org.junit.jupiter.api.Test;

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
    return start(context, mesh.serverCerts.sslContext());
  }

  @Test
  void aClientCertificateFromAnotherCaIsNoMeshIdentityEvenWhenTheContainerAcceptsIt() throws Exception {
    SecureRandom random = new SecureRandom();
    CertificateAuthority other = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), random);
    KeyPair keys = KeyType.EC_P256.generate(random);
    SpiffeId client = MeshFixture.CLIENT.spiffeId();
    Files.writeString(mesh.dir.resolve("forged.pem"), other.sign(CertificateRequests.create(keys, client), client).chainPem());
    Files.writeString(mesh.dir.resolve("forged.key"), Pem.privateKey(keys.getPrivate()));
    // A container configured to accept any client certificate: the filter must not believe it.
    SSLContext trustsAnyone = SSLContext.getInstance("TLS");
    trustsAnyone.init(new KeyManager[] {mesh.serverCerts.keyManager()}, new TrustManager[] {new TrustAll()}, null);

    try (Running server = start(mesh.context(), trustsAnyone)) {
      Command.Result forged = mesh.curl("--cert", "forged.pem", "--key", "forged.key", "--insecure",
          "https://127.0.0.1:" + server.port() + "/");
      List<String> args = new ArrayList<>(mesh.mtlsCurlArgs());
      args.add("https://127.0.0.1:" + server.port() + "/");
      Command.Result genuine = mesh.curl(args.toArray(new String[0]));

      assertThat(forged.output()).contains("principal=null\n", "security=none\n").endsWith("200 1.1");
      assertThat(genuine.output()).contains("principal=" + MeshFixture.CLIENT_PRINCIPAL + "\n").endsWith("200 1.1");
    }
  }

  private Running start(InboundContext context, SSLContext sslContext) throws Exception {
    Server server = new Server(new QueuedThreadPool(16, 4));
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new SecureRequestCustomizer(false));
    HttpConnectionFactory http = new HttpConnectionFactory(config);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(sslContext);
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

  /** Accepts every certificate: a misconfigured container, for the test above only. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
