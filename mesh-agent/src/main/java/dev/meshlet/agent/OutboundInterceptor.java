package dev.meshlet.agent;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.PeerMetadata;
import dev.meshlet.core.telemetry.tracing.HttpTracing;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.ResponseFlag;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's first step on every outbound call, before routing: holds the call until the mesh is
 * ready (bounded), then carries the served request's context on: its propagated headers, the
 * parent of the call's client spans (one per attempt, started by {@link ClientTelemetry}), and its
 * deadline as {@link MeshHeaders#DEADLINE_MS}, which routing turns into the call's timeout; and
 * adds this workload's {@link PeerMetadata} so the server can label its metrics with who called.
 */
final class OutboundInterceptor implements Interceptor {
  private final Mesh mesh;
  private final Readiness readiness;
  private final Duration startupWait;
  private final Clock clock;
  private final HttpTracing tracing;
  /** This workload's {@link PeerMetadata}, encoded once. */
  private final String peerMetadata;
  private final Map<Call, RequestScope> captured = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  OutboundInterceptor(Mesh mesh, Readiness readiness, Duration startupWait, Clock clock, HttpTracing tracing,
      String peerMetadata) {
    this.peerMetadata = peerMetadata;
    this.mesh = mesh;
    this.readiness = readiness;
    this.startupWait = startupWait;
    this.clock = clock;
    this.tracing = tracing;
  }

  /**
   * Captures the current request context when a call is created, so a call enqueued here and run
   * on a dispatcher thread still carries it. (OkHttp's call tags are not usable yet while the
   * call is being constructed, hence a weak map: a call never run leaves nothing behind.)
   */
  EventListener.Factory capturing(EventListener.Factory delegate) {
    return call -> {
      RequestScope.current().ifPresent(scope -> captured.put(call, scope));
      return delegate.create(call);
    };
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    awaitReady(chain.request());
    Request request = chain.request();
    Call call = chain.call();
    RequestScope ctx = captured.isEmpty() ? null : captured.remove(call);
    if (ctx == null) {
      ctx = RequestScope.current().orElse(null);
    }
    Request.Builder b = request.newBuilder();
    // One pass over the application's headers instead of a lookup (a scan) per name.
    boolean hasPeerMetadata = false;
    boolean appTraced = false;
    Headers headers = request.headers();
    for (int i = 0, n = headers.size(); i < n; i++) {
      String name = headers.name(i);
      hasPeerMetadata |= name.equalsIgnoreCase(PeerMetadata.HEADER);
      appTraced |= name.equalsIgnoreCase("traceparent") || name.equalsIgnoreCase("b3")
          || name.equalsIgnoreCase("x-b3-traceid");
    }
    if (!hasPeerMetadata) {
      // The server's reporter="destination" labels of this caller; absent, so added without a removal.
      b.addHeader(PeerMetadata.HEADER, peerMetadata);
    }
    if (ctx != null) {
      for (Map.Entry<String, String> h : ctx.headers().entrySet()) {
        if (request.header(h.getKey()) == null) {
          b.addHeader(h.getKey(), h.getValue()); // absent from the request, and the scope's names are distinct
        }
      }
      Duration left = ctx.remaining(clock).orElse(null);
      if (left != null) {
        long ms = left.toMillis();
        if (ms <= 0) {
          throw new MeshCallException(ResponseFlag.UT, request.url().host(), null, null,
              "the deadline of the request being served passed " + (-ms) + " ms ago; the call was not made", null);
        }
        String set = request.header(MeshHeaders.DEADLINE_MS);
        long own = parse(set);
        b.header(MeshHeaders.DEADLINE_MS, Long.toString(own < 0 ? ms : Math.min(own, ms)));
      }
    }
    // Each attempt's span is a child of the served request's span (its trace headers, which
    // telemetry replaced with its server span's) or of the application's current span; telemetry's
    // attempt hook starts it and writes its headers. Trace headers the application set itself are
    // left alone, and its call gets no span of ours.
    io.opentelemetry.context.Context parent = null;
    boolean copied = false;
    if (!appTraced) {
      copied = ctx != null && !ctx.headers().isEmpty();
      parent = copied
          ? tracing.propagation().extract(io.opentelemetry.context.Context.current(), ctx.headers())
          : io.opentelemetry.context.Context.current();
    }
    b.tag(OutboundCall.TAG, new OutboundCall(parent, copied));
    return chain.proceed(b.build());
  }

  private void awaitReady(Request request) throws IOException {
    if (readiness.isReady()) {
      return;
    }
    boolean ready;
    try {
      ready = readiness.await(startupWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for mesh " + mesh.identity().name() + " to be ready");
    }
    if (!ready) {
      throw new MeshNotReadyException(readiness.isClosed()
          ? "mesh " + mesh.identity().name() + " is closed; not calling " + request.url()
          : "mesh " + mesh.identity().name() + " not ready after " + startupWait.toMillis() + " ms, not calling "
              + request.url() + "; waiting for: " + String.join(", ", readiness.waitingFor()));
    }
  }

  private static long parse(@Nullable String ms) {
    if (ms == null) {
      return -1;
    }
    try {
      return Long.parseLong(ms.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
