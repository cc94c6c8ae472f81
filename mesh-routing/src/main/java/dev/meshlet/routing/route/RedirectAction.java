package dev.meshlet.routing.route;

import dev.meshlet.core.config.networking.HttpRedirect;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A route's redirect, compiled: answers with a 301 (or the code given) whose Location replaces
 * the scheme, authority, port and path as configured and keeps the rest of the request's URL.
 */
public final class RedirectAction {
  private final HttpRedirect redirect;
  private final int code;

  private RedirectAction(HttpRedirect redirect) {
    this.redirect = redirect;
    this.code = redirect.redirectCode() == null ? 301 : redirect.redirectCode();
  }

  public static @Nullable RedirectAction compile(@Nullable HttpRedirect r) {
    return r == null ? null : new RedirectAction(r);
  }

  /** The Location for {@code request}. */
  public String location(RouteRequest request) {
    HttpUrl url = request.request().url();
    HttpUrl.Builder b = url.newBuilder();
    String scheme = redirect.scheme() != null ? redirect.scheme() : url.scheme();
    b.scheme(scheme);
    boolean schemeChanged = !scheme.equals(url.scheme());
    if (redirect.authority() != null) {
      String a = redirect.authority();
      int colon = a.lastIndexOf(':');
      if (colon > 0 && a.indexOf(':') == colon) {
        b.host(a.substring(0, colon)).port(Integer.parseInt(a.substring(colon + 1)));
      } else {
        b.host(a).port(HttpUrl.defaultPort(scheme));
      }
    } else if (schemeChanged) {
      b.port(HttpUrl.defaultPort(scheme));
    }
    if (redirect.port() != null) {
      b.port(redirect.port());
    } else if (redirect.derivePort() == HttpRedirect.RedirectPortSelection.FROM_REQUEST_PORT) {
      b.port(url.port());
    } else if (redirect.derivePort() == HttpRedirect.RedirectPortSelection.FROM_PROTOCOL_DEFAULT) {
      b.port(HttpUrl.defaultPort(scheme));
    }
    if (redirect.uri() != null) {
      String uri = redirect.uri();
      int q = uri.indexOf('?');
      if (q >= 0) {
        b.encodedPath(uri.substring(0, q)).encodedQuery(uri.substring(q + 1));
      } else {
        b.encodedPath(uri);
      }
    }
    return b.build().toString();
  }

  public Response respond(RouteRequest request, @Nullable String routeName) {
    Request req = request.request();
    return Synthetic.response(req, code, new byte[0], null, routeName, null)
        .header("Location", location(request))
        .build();
  }
}
