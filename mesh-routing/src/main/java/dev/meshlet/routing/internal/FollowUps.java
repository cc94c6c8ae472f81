package dev.meshlet.routing.internal;

import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The request that follows a redirect, by OkHttp's rules: 301, 302 and 303 turn a body-carrying
 * method into GET, 307 and 308 keep method and body; credentials are not carried to another host.
 */
final class FollowUps {
  private FollowUps() {}

  static @Nullable Request redirect(Response response, Request request, boolean followSslRedirects) {
    int code = response.code();
    if (code != 300 && code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
      return null;
    }
    String location = response.header("Location");
    if (location == null) {
      return null;
    }
    HttpUrl url = request.url().resolve(location);
    if (url == null) {
      return null;
    }
    if (!url.scheme().equals(request.url().scheme()) && !followSslRedirects) {
      return null;
    }
    Request.Builder b = request.newBuilder().url(url);
    String method = request.method();
    boolean keepsBody = code == 307 || code == 308;
    if (!keepsBody && !method.equals("GET") && !method.equals("HEAD")) {
      b.method("GET", null);
      b.removeHeader("Transfer-Encoding").removeHeader("Content-Length").removeHeader("Content-Type");
    }
    // The Host the application set named the old authority; the new URL names the new one.
    b.removeHeader("Host");
    if (!url.host().equals(request.url().host()) || url.port() != request.url().port()) {
      b.removeHeader("Authorization");
    }
    return b.build();
  }
}
