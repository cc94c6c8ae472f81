package dev.meshlet.routing.testing;

import dev.meshlet.routing.endpoint.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A real HTTP server standing for one endpoint: answers with its name unless told otherwise, and keeps what it got. */
public final class Backend implements AutoCloseable {
  private final String name;
  private final MockWebServer server = new MockWebServer();
  private final Map<String, String> labels;
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private volatile Function<RecordedRequest, MockResponse> handler;

  Backend(String name, Map<String, String> labels) throws IOException {
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.handler = r -> new MockResponse.Builder().code(200).body(name).build();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        received.add(request);
        return handler.apply(request);
      }
    });
    server.setServerSocketFactory(new NoDelayServerSockets());
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  public String name() {
    return name;
  }

  public int port() {
    return server.getPort();
  }

  public Endpoint endpoint() {
    return new Endpoint("127.0.0.1", server.getPort(), labels, null, 1, null);
  }

  /** Answers every request with what {@code h} returns. */
  public Backend respond(Function<RecordedRequest, MockResponse> h) {
    this.handler = h;
    return this;
  }

  public Backend respondStatus(int code) {
    return respond(r -> new MockResponse.Builder().code(code).body(name + " " + code).build());
  }

  public List<RecordedRequest> received() {
    return received;
  }

  public int count() {
    return received.size();
  }

  @Override
  public void close() {
    server.close();
  }
}
