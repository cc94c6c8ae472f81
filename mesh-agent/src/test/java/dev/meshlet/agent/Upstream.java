package dev.meshlet.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A real HTTP server standing for the one endpoint of a service: answers as told and keeps what it got. */
final class Upstream implements AutoCloseable {
  private final MockWebServer server = new MockWebServer();
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private volatile Function<RecordedRequest, MockResponse> handler =
      r -> new MockResponse.Builder().code(200).body("ok").build();

  Upstream() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        received.add(request);
        return handler.apply(request);
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  int port() {
    return server.getPort();
  }

  Upstream respond(Function<RecordedRequest, MockResponse> h) {
    this.handler = h;
    return this;
  }

  List<RecordedRequest> received() {
    return received;
  }

  int count() {
    return received.size();
  }

  String header(int request, String name) {
    return received.get(request).getHeaders().get(name);
  }

  @Override
  public void close() {
    server.close();
  }
}
