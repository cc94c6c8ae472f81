package dev.meshlet.routing.route;

import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/** What a route matches on, read from one request (the path and authority computed once). */
public final class RouteRequest {
  private final Request request;
  private final String authority;
  private final String path;

  private RouteRequest(Request request, String authority) {
    this.request = request;
    this.authority = authority;
    this.path = request.url().encodedPath();
  }

  public static RouteRequest of(Request request) {
    return new RouteRequest(request, authority(request));
  }

  /** As {@link #of(Request)}, with the {@link #authority(Request)} the caller already computed. */
  public static RouteRequest of(Request request, String authority) {
    return new RouteRequest(request, authority);
  }

  /** The request's authority: its Host header when the application set one, else the URL's host and non-default port. */
  public static String authority(Request request) {
    String host = request.header("Host");
    if (host != null) {
      return host;
    }
    HttpUrl url = request.url();
    String h = url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host();
    return url.port() == HttpUrl.defaultPort(url.scheme()) ? h : h + ":" + url.port();
  }

  public Request request() {
    return request;
  }

  public String method() {
    return request.method();
  }

  public String scheme() {
    return request.url().scheme();
  }

  /** The encoded path, without the query. */
  public String path() {
    return path;
  }

  public String authority() {
    return authority;
  }

  public int port() {
    return request.url().port();
  }

  public @Nullable String header(String name) {
    return request.header(name);
  }

  public @Nullable String queryParameter(String name) {
    return request.url().queryParameter(name);
  }
}
