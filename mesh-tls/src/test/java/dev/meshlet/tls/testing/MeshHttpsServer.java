package dev.meshlet.tls.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.meshlet.tls.verify.PeerIdentities;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A STRICT mTLS server on the JDK's HttpsServer: it requires a client certificate and answers
 * 200 with the client's principal, remembering which client certificates it saw.
 */
public final class MeshHttpsServer implements AutoCloseable {

  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK, and every keep-alive call takes 40 ms. Read once, when the first server starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpsServer server;
  private final ExecutorService executor;
  private final Set<BigInteger> clientSerials = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  private MeshHttpsServer(SSLContext context) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters ssl = context.getDefaultSSLParameters();
        ssl.setNeedClientAuth(true);
        params.setSSLParameters(ssl);
      }
    });
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      Optional<VerifiedPeer> peer = PeerIdentities.peer(((HttpsExchange) exchange).getSSLSession());
      peer.ifPresent(p -> clientSerials.add(p.certificate().getSerialNumber()));
      byte[] body = ("hello " + peer.map(VerifiedPeer::principal).orElse("anonymous") + "\n")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.start();
  }

  public static MeshHttpsServer start(SSLContext context) throws IOException {
    return new MeshHttpsServer(context);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "https://127.0.0.1:" + port() + "/";
  }

  public Set<BigInteger> clientSerials() {
    return Set.copyOf(clientSerials);
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
