package dev.meshlet.agent.server.jdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.InboundCall;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundRequest;
import dev.meshlet.agent.server.Refusal;
import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.permissive.PermissiveSslContext;
import dev.meshlet.tls.verify.PeerIdentities;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/** Runs the inbound chain around one user handler of a {@link MeshJdkServer}. */
final class ChainHandler implements HttpHandler {

  private final InboundChains chains;
  private final HttpHandler handler;

  ChainHandler(InboundChains chains, HttpHandler handler) {
    this.chains = chains;
    this.handler = handler;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    boolean tls = false;
    VerifiedPeer peer = null;
    if (exchange instanceof HttpsExchange https) {
      SSLSession session = https.getSSLSession();
      if (!PermissiveSslContext.isPlaintext(session)) {
        tls = true;
        peer = PeerIdentities.peer(session).orElse(null);
      }
    }
    Headers headers = exchange.getRequestHeaders();
    RequestHeaders view = new ExchangeHeaders(headers);
    String host = headers.getFirst("Host");
    InetSocketAddress remote = exchange.getRemoteAddress();
    InetSocketAddress local = exchange.getLocalAddress();
    InboundRequest request = new InboundRequest(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
        host == null ? "" : host, view, tls, peer, remote == null ? null : remote.getAddress(),
        local == null ? null : local.getAddress(), local == null ? 0 : local.getPort(), null);

    InboundCall call = chains.current().begin(request);
    exchange.setAttribute(InboundCall.ATTRIBUTE, call);
    Refusal refusal = call.refusal();
    if (refusal != null) {
      refuse(exchange, call, refusal);
      return;
    }
    try (RequestScope scope = call.scope().attach()) {
      handler.handle(exchange);
      call.end(Math.max(exchange.getResponseCode(), 0), null);
    } catch (IOException | RuntimeException | Error e) {
      int code = exchange.getResponseCode();
      call.end(code > 0 ? code : 500, e);
      throw e;
    }
  }

  private static void refuse(HttpExchange exchange, InboundCall call, Refusal refusal) throws IOException {
    if (refusal.closeConnection()) {
      call.end(0, null);
      // The JDK server closes the connection of a handler that throws, without writing an answer.
      throw new IOException("connection closed by the mesh: " + refusal.body().strip());
    }
    byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
    Headers out = exchange.getResponseHeaders();
    out.set("Content-Type", "text/plain; charset=utf-8");
    refusal.headers().forEach(out::set);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    try {
      exchange.sendResponseHeaders(refusal.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream stream = exchange.getResponseBody()) {
          stream.write(body);
        }
      }
      call.end(refusal.status(), null);
    } catch (IOException e) {
      call.end(refusal.status(), e);
      throw e;
    } finally {
      exchange.close();
    }
  }

  private static @Nullable String joined(@Nullable List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }

  /**
   * The exchange's headers without copying. Listable: a lookup by name makes a new normalized
   * key string, so the chain's dozen names cost more asked one by one than read in one pass.
   */
  private static final class ExchangeHeaders implements RequestHeaders {
    private final Headers headers;

    ExchangeHeaders(Headers headers) {
      this.headers = headers;
    }

    @Override
    public @Nullable String get(String lowerCaseName) {
      return joined(headers.get(lowerCaseName));
    }

    @Override
    public boolean forEach(BiConsumer<String, String> action) {
      for (Map.Entry<String, List<String>> header : headers.entrySet()) {
        for (String value : header.getValue()) {
          action.accept(header.getKey(), value);
        }
      }
      return true;
    }
  }
}
