package dev.meshlet.benchmarks.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The bench server on the JDK's built-in HttpServer, kept to compare with Jetty (see
 * docs/performance.md for why Jetty is the default).
 */
public final class JdkBenchServer implements BenchServer {
  private final HttpServer plain;
  private final HttpsServer mtls;
  private final ExecutorService executor;

  private JdkBenchServer(HttpServer plain, HttpsServer mtls, ExecutorService executor) {
    this.plain = plain;
    this.mtls = mtls;
    this.executor = executor;
  }

  /** Starts the server on ephemeral loopback ports; {@code sslContext} holds the server identity. */
  public static JdkBenchServer start(SSLContext sslContext) throws IOException {
    ExecutorService executor = Executors.newFixedThreadPool(16);
    HttpHandler handler = JdkBenchServer::answer;
    HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    plain.createContext("/", handler);
    plain.setExecutor(executor);
    HttpsServer mtls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    mtls.setHttpsConfigurator(new HttpsConfigurator(sslContext) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters ssl = sslContext.getDefaultSSLParameters();
        ssl.setNeedClientAuth(true);
        params.setSSLParameters(ssl);
      }
    });
    mtls.createContext("/", handler);
    mtls.setExecutor(executor);
    plain.start();
    mtls.start();
    return new JdkBenchServer(plain, mtls, executor);
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, BODY.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(BODY);
    }
  }

  @Override
  public int plainPort() {
    return plain.getAddress().getPort();
  }

  @Override
  public int mtlsPort() {
    return mtls.getAddress().getPort();
  }

  @Override
  public void close() {
    plain.stop(0);
    mtls.stop(0);
    executor.shutdownNow();
  }
}
