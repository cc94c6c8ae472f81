package dev.meshlet.routing.internal;

import dev.meshlet.routing.route.CompiledRoute;
import dev.meshlet.routing.route.RouteRequest;
import dev.meshlet.routing.route.RouteTable;
import dev.meshlet.routing.route.RouteTarget;
import dev.meshlet.routing.route.UriRewrite;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * The request as the destination should see it, before an endpoint is chosen: rewritten path and
 * authority (sent as the Host header, since the URL will name the endpoint), then the
 * destination's header edits and the route's (the route's last, so they win, as Envoy's default).
 */
final class Rewrites {
  private Rewrites() {}

  /**
   * Whether the request to send differs from the application's by more than its Host header (the
   * authority as asked): a rewrite or a header edit. When it does not, each try sets the Host on
   * its own copy and no copy is made here.
   */
  static boolean editsMoreThanHost(RouteTable.Match match, RouteTarget target) {
    CompiledRoute route = match.route();
    UriRewrite rewrite = route.rewrite();
    return rewrite != null && (rewrite.rewritesPath() || rewrite.authority() != null)
        || target.headers().editsRequest() || route.headers().editsRequest();
  }

  static Request upstream(RouteRequest rr, RouteTable.Match match, RouteTarget target) {
    CompiledRoute route = match.route();
    Request request = rr.request();
    UriRewrite rewrite = route.rewrite();
    String authority = rr.authority();
    Request.Builder b = request.newBuilder();
    if (rewrite != null) {
      if (rewrite.rewritesPath()) {
        String path = rewrite.path(rr.path(), match.block().uriPrefix());
        HttpUrl url = request.url().newBuilder().encodedPath(path.startsWith("/") ? path : "/" + path).build();
        b.url(url);
      }
      if (rewrite.authority() != null) {
        authority = rewrite.authority();
      }
    }
    b.header("Host", authority);
    if (target.headers().editsRequest()) {
      target.headers().applyTo(b);
    }
    if (route.headers().editsRequest()) {
      route.headers().applyTo(b);
    }
    return b.build();
  }
}
