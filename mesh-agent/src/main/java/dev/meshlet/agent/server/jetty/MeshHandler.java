package dev.meshlet.agent.server.jetty;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.InboundCall;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundRequest;
import dev.meshlet.agent.server.Refusal;
import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.verify.PeerIdentities;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * A Jetty handler wrapper that runs the inbound chain before the handler it wraps: the request
 * is refused (connection closed, 403, 504) or handled inside its {@link RequestScope}, and
 * telemetry ends when the response completes. {@link MeshJettyServer} installs it; in a Jetty
 * server built by hand, add a {@code SecureRequestCustomizer} to the connector's
 * {@code HttpConfiguration}, without which no request counts as mutual TLS.
 */
public final class MeshHandler extends Handler.Wrapper {

  private final InboundChains chains;

  /** Wraps {@code handler} in the chains of one workload. */
  public MeshHandler(InboundChains chains, Handler handler) {
    super(Objects.requireNonNull(handler, "handler"));
    this.chains = Objects.requireNonNull(chains, "chains");
  }

  /**
   * The chain's view of {@code request}: the caller's identity and what authorization decided.
   *
   * @throws IllegalStateException when the request did not pass a {@link MeshHandler}
   */
  public static InboundCall call(Request request) {
    if (request.getAttribute(InboundCall.ATTRIBUTE) instanceof InboundCall call) {
      return call;
    }
    throw new IllegalStateException("request " + request.getMethod() + " " + request.getHttpURI()
        + " has no " + InboundCall.ATTRIBUTE + " attribute (expected: a handler wrapped by MeshHandler)");
  }

  /** The chains requests run through. */
  public InboundChains chains() {
    return chains;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!chains.context().isReady()) {
      // The chain waits for readiness (up to the mesh's startup wait). Jetty runs this handler on
      // its selector when the wrapped one is non-blocking, and a wait there would stall every
      // connection of that selector: wait on a pool thread instead. Once ready, no hand-off.
      request.getComponents().getExecutor().execute(() -> {
        try {
          if (!admit(request, response, callback)) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
          }
        } catch (Throwable t) {
          Response.writeError(request, response, callback, t);
        }
      });
      return true;
    }
    return admit(request, response, callback);
  }

  private boolean admit(Request request, Response response, Callback callback) throws Exception {
    boolean tls = false;
    VerifiedPeer peer = null;
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl) {
      tls = true;
      peer = PeerIdentities.peer(ssl.sslSession()).orElse(null);
    }
    RequestHeaders headers = new FieldsHeaders(request.getHeaders());
    String authority = request.getHttpURI().getAuthority();
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
    InboundRequest inbound = new InboundRequest(request.getMethod(), request.getHttpURI().getPathQuery(),
        authority == null ? "" : authority, headers, tls, peer, address(remote), address(local),
        local instanceof InetSocketAddress l ? l.getPort() : 0, null);

    InboundCall call = chains.current().begin(inbound);
    request.setAttribute(InboundCall.ATTRIBUTE, call);
    Refusal refusal = call.refusal();
    if (refusal != null) {
      refuse(request, response, callback, call, refusal);
      return true;
    }
    Callback ending = new Ending(callback, response, call);
    boolean handled;
    try (RequestScope scope = call.scope().attach()) {
      handled = super.handle(request, response, ending);
    } catch (Throwable t) {
      call.end(500, t);
      throw t;
    }
    if (!handled) {
      call.end(404, null);
    }
    return handled;
  }

  private static void refuse(Request request, Response response, Callback callback, InboundCall call, Refusal refusal) {
    if (refusal.closeConnection()) {
      call.end(0, null);
      request.getConnectionMetaData().getConnection().getEndPoint().close();
      callback.failed(new ClosedByMesh(refusal.body().strip()));
      return;
    }
    response.setStatus(refusal.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    refusal.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    response.write(true, ByteBuffer.wrap(refusal.body().getBytes(StandardCharsets.UTF_8)),
        new Ending(callback, response, call));
  }

  private static @Nullable InetAddress address(@Nullable SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** A connection the chain closed on purpose: Jetty logs it quietly, not as a server error. */
  private static final class ClosedByMesh extends IOException implements QuietException {
    private static final long serialVersionUID = 1L;

    ClosedByMesh(String why) {
      super("connection closed by the mesh: " + why);
    }
  }

  /** Ends the call's telemetry when Jetty completes the response, then completes it. */
  private static final class Ending implements Callback {
    private final Callback delegate;
    private final Response response;
    private final InboundCall call;

    Ending(Callback delegate, Response response, InboundCall call) {
      this.delegate = delegate;
      this.response = response;
      this.call = call;
    }

    @Override
    public void succeeded() {
      call.end(response.getStatus(), null);
      delegate.succeeded();
    }

    @Override
    public void failed(Throwable x) {
      call.end(response.getStatus(), x);
      delegate.failed(x);
    }

    @Override
    public InvocationType getInvocationType() {
      return delegate.getInvocationType();
    }
  }
}
