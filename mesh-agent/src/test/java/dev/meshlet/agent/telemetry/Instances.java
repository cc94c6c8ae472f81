package dev.meshlet.agent.telemetry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real HTTP servers standing for the instances of one service: the first {@code failures}
 * requests (whichever instance gets them) answer 503, the rest 200 with the instance's version;
 * each instance keeps the {@code traceparent} of what it received.
 */
final class Instances implements AutoCloseable {
  record Received(String version, String traceparent, int status) {}

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> versions = new ArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  Instances(int failures, String... versions) throws IOException {
    for (String version : versions) {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        int status = requests.incrementAndGet() <= failures ? 503 : 200;
        received.add(new Received(version, String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")), status));
        byte[] body = version.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      servers.add(server);
      this.versions.add(version);
    }
  }

  int port(int i) {
    return servers.get(i).getAddress().getPort();
  }

  String version(int i) {
    return versions.get(i);
  }

  int size() {
    return servers.size();
  }

  List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
