package dev.meshlet.routing.internal;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.mirror.MirrorTarget;
import dev.meshlet.routing.route.CompiledRoute;
import dev.meshlet.routing.lb.EndpointFilter;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * Sends a route's mirror copies, fire-and-forget, on the mirror executor. A copy's Host gets the
 * {@code -shadow} suffix (before any port), as Envoy's; its response is read and dropped. A body
 * is copied into memory first (up to 1 MiB) so the real call and the copies never share a stream;
 * a body that cannot be copied (one-shot, duplex, unknown or large size) is not mirrored.
 */
final class Mirrors {
  static final long MAX_BODY = 1 << 20;

  private Mirrors() {}

  /** Sends the copies due and returns the request the real call should send (its body buffered if copied). */
  static Request send(MeshContext ctx, CompiledMesh mesh, OkHttpClient client, CompiledRoute route, Request upstream,
      String authority) {
    List<MirrorTarget> mirrors = route.mirrors();
    if (mirrors.isEmpty()) {
      return upstream;
    }
    Request source = upstream;
    boolean buffered = upstream.body() == null;
    for (MirrorTarget m : mirrors) {
      if (m.fraction() < 1 && !(ctx.random.nextDouble() < m.fraction())) {
        continue;
      }
      if (!buffered) {
        Request b = buffer(source);
        if (b == null) {
          ctx.mirrors.drop();
          continue;
        }
        source = b;
        buffered = true;
      }
      int port = m.port() != null ? m.port() : source.url().port();
      Cluster cluster;
      try {
        cluster = mesh.cluster(m.host(), m.subset(), port);
      } catch (IllegalArgumentException e) {
        cluster = null;
      }
      if (cluster == null) {
        ctx.mirrors.drop();
        continue;
      }
      Request.Builder copy = source.newBuilder();
      if (cluster.service().originalDestination()) {
        copy.url(source.url().newBuilder().host(m.host()).port(port).build());
      } else {
        var pick = cluster.balancer == null ? null : cluster.balancer.pick(source, ctx.sourceAddress,
            cluster.outlier == null ? EndpointFilter.NONE : cluster.outlier.filter());
        if (pick == null) {
          ctx.mirrors.drop();
          continue;
        }
        Endpoint ep = pick.endpoint();
        copy.url(source.url().newBuilder().host(ep.address()).port(ep.port()).build());
      }
      String host = source.header("Host");
      copy.header("Host", shadow(host == null ? authority : host));
      Request mirror = copy.build();
      long timeoutMillis = route.timeout() != null ? route.timeout().toMillis() : ctx.mirrorTimeout.toMillis();
      ctx.mirrors.submit(() -> {
        Call call = client.newCall(mirror);
        call.timeout().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        try (Response r = call.execute()) {
          r.body().source().readAll(Okio.blackhole());
        } catch (IOException | RuntimeException ignored) {
          // A mirror's failure is nobody's business but the mirror's.
        }
      });
    }
    return source;
  }

  /** {@code reviews:9080} becomes {@code reviews-shadow:9080}. */
  static String shadow(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon > 0 && authority.indexOf(':') == colon) {
      return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
    }
    return authority + "-shadow";
  }

  private static @Nullable Request buffer(Request request) {
    RequestBody body = request.body();
    if (body == null) {
      return request;
    }
    try {
      long length = body.contentLength();
      if (body.isOneShot() || body.isDuplex() || length < 0 || length > MAX_BODY) {
        return null;
      }
      Buffer buf = new Buffer();
      body.writeTo(buf);
      return request.newBuilder().method(request.method(), RequestBody.create(buf.readByteArray(), body.contentType()))
          .build();
    } catch (IOException e) {
      return null;
    }
  }
}
