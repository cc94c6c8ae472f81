package dev.meshlet.benchmarks.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server application of every Jetty scenario, raw or behind Meshlet's inbound adapter: a
 * non-blocking handler that writes a pre-built body, so the application's own cost is as small
 * and steady as Jetty can make it and what differs between scenarios is what wraps it.
 */
public final class BenchHandler extends Handler.Abstract.NonBlocking {
  private static final ByteBuffer BODY_BUFFER = ByteBuffer.wrap(BenchServer.BODY).asReadOnlyBuffer();

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BenchServer.BODY.length);
    response.write(true, BODY_BUFFER.slice(), callback);
    return true;
  }
}
