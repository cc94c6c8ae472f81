package dev.meshlet.agent.server.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.server.InboundAdapterContract;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.tls.testing.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** The inbound walk on Jetty 12's core Handler API, HTTP/1.1 and HTTP/2. */
class MeshJettyServerTest extends InboundAdapterContract {

  MeshJettyServer last;

  @Override
  protected Running start(InboundContext context) {
    MeshJettyServer server = MeshJettyServer.builder(context)
        .host("127.0.0.1")
        .maxThreads(16)
        .handler(new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String body = mesh.describe(MeshHandler.call(request));
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        })
        .start();
    last = server;
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
  void speaksHttp2OverMtlsByAlpnAndH2cInPlaintextOnThePermissivePort() throws Exception {
    Running server = started(mesh.context());
    assertThat(last.protocols()).contains("h2", "h2c");

    List<String> args = new ArrayList<>(List.of("--http2"));
    args.addAll(mesh.mtlsCurlArgs());
    args.add("https://127.0.0.1:" + server.port() + "/");
    Command.Result h2 = mesh.curl(args.toArray(new String[0]));
    Command.Result h2c = mesh.curl("--http2-prior-knowledge", "http://127.0.0.1:" + server.port() + "/");

    assertThat(h2.exitCode()).as(h2.output()).isZero();
    assertThat(h2.output()).contains("principal=cluster.local/ns/bookinfo/sa/productpage\n").endsWith("200 2");
    assertThat(h2c.exitCode()).as(h2c.output()).isZero();
    assertThat(h2c.output()).contains("security=none\n").endsWith("200 2");
  }

  @Test
  void strictClosesAnH2cConnectionWithoutServingIt() throws Exception {
    mesh.apply(STRICT);
    Running server = started(mesh.context());

    Command.Result h2c = mesh.curl("--http2-prior-knowledge", "http://127.0.0.1:" + server.port() + "/");

    assertThat(h2c.exitCode()).as(h2c.output()).isNotZero();
    assertThat(mesh.handled).hasValue(0);
  }
}
