package dev.meshlet.agent.server.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.server.InboundAdapterContract;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The inbound walk on the JDK's HttpServer/HttpsServer. */
class MeshJdkServerTest extends InboundAdapterContract {

  @Override
  protected Running start(InboundContext context) {
    MeshJdkServer server = MeshJdkServer.builder(context)
        .bindAddress(InetAddress.getLoopbackAddress())
        .threads(4)
        .handler("/", exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body = mesh.describe(MeshJdkServer.call(exchange)).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        })
        .start();
    return new Running() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public InboundChains chains() {
        return server.chains();
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  @Test
  void withoutACertificateThePortIsPlaintextAndStrictRefusesEverything() throws Exception {
    try (MeshJdkServer server = MeshJdkServer.builder(mesh.plaintextContext())
        .bindAddress(InetAddress.getLoopbackAddress())
        .handler("/", exchange -> {
          byte[] body = mesh.describe(MeshJdkServer.call(exchange)).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        })
        .start()) {
      assertThat(server.tls()).isFalse();
      assertThat(get(mesh.plain, "http://127.0.0.1:" + server.port() + "/")).contains("security=none");

      mesh.apply(STRICT);

      assertThatThrownBy(() -> get(mesh.plain, "http://127.0.0.1:" + server.port() + "/"))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void aHandlerPathMustStartWithASlash() {
    assertThatThrownBy(() -> MeshJdkServer.builder(mesh.context()).handler("reviews", exchange -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("handler path: 'reviews' (expected: starting with /)");
  }
}
