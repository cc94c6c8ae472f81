package dev.meshlet.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.discovery.testing.SimulatedAgent;
import dev.meshlet.discovery.testing.TestServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A watch stream cut in the middle of an event: the agent must notice, keep the last whole event
 * it applied, and resume from its version without losing anything.
 */
class StreamCutTest {
  @TempDir Path dir;

  /** Serves one response that stops halfway through its second event, then drops the connection. */
  private static ServerSocket cuttingServer(String firstEvent, String secondEvent, boolean chunked) throws IOException {
    ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        in.read(buf); // the request; its content does not matter here
        OutputStream out = s.getOutputStream();
        String half = secondEvent.substring(0, secondEvent.length() / 2);
        if (chunked) {
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          String first = firstEvent + "\n";
          out.write((Integer.toHexString(first.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + first + "\r\n").getBytes(StandardCharsets.UTF_8));
          // The chunk announces the whole second event, but only half of it arrives.
          out.write((Integer.toHexString(secondEvent.length() + 1) + "\r\n" + half).getBytes(StandardCharsets.UTF_8));
        } else {
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n" + firstEvent + "\n" + half)
              .getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
      } catch (IOException e) {
        // the test sees what the client saw
      }
    }, "cutting-server");
    t.setDaemon(true);
    t.start();
    return socket;
  }

  @ParameterizedTest(name = "chunked={0}")
  @ValueSource(booleans = {true, false})
  void aStreamCutInTheMiddleOfAnEventFailsTheReadAndTheAgentResumesWithoutLoss(boolean chunked) throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      String token = server.token("productpage", "default");
      LeaseGrant lease = server.register(token, TestServer.workload("productpage", "default", "10.0.0.1", Map.of()));
      server.apply(WatchTest.REVIEWS_VS);
      long applied = server.version();
      server.apply(WatchTest.REVIEWS_VS.replace("host: reviews}", "host: reviews, subset: v2}"));

      // The first event as the agent got it at `applied`, then the next one torn.
      WatchEvent first = new WatchEvent(WatchEvent.Type.FULL, applied, List.of(), List.of(), List.of(), List.of());
      WatchEvent second = new WatchEvent(WatchEvent.Type.DELTA, server.version(), List.of(), List.of(), List.of(), List.of("x".repeat(200)));
      try (ServerSocket cutting = cuttingServer(ProtocolJson.write(first), ProtocolJson.write(second), chunked);
           SimulatedAgent cut = new SimulatedAgent(server.http, "http://127.0.0.1:" + cutting.getLocalPort(), token, lease.leaseId(), null)) {
        assertThat(cut.nextAny().version()).isEqualTo(applied);
        cut.awaitEnd();
        assertThat(cut.ended).as("a cut stream never looks like a clean end").isFalse();
        assertThat(cut.failure).isInstanceOf(IOException.class);
        if (!chunked) {
          assertThat(cut.failure).isInstanceOf(EOFException.class).hasMessageContaining("middle of event 2");
        }
      }

      // It resumes from the last version it applied, and gets exactly what it missed.
      try (SimulatedAgent agent = new SimulatedAgent(server.http, server.url(), token, lease.leaseId(), applied)) {
        WatchEvent resumed = agent.next();
        assertThat(resumed.version()).isEqualTo(server.version());
        assertThat(resumed.resources()).hasSize(1);
        assertThat(resumed.resources().get(0).path("spec").path("http").get(0).path("route").get(0)
            .path("destination").path("subset").asText()).isEqualTo("v2");
      }
    }
  }

  @Test
  void aWatchWithoutACredentialOrWithAnUnknownLeaseIsRefusedBeforeAnyStream() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      String token = server.token("a", "default");
      assertThat(server.call("GET", "/v1/watch?lease=l-nope", null, null).status()).isEqualTo(401);
      TestServer.Reply unknown = server.call("GET", "/v1/watch?lease=l-nope", token, null);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().path("error").asText()).contains("register again");
      assertThat(server.call("GET", "/v1/watch?lease=l-nope&since=abc", token, null).status()).isIn(400, 404);
    }
  }
}
