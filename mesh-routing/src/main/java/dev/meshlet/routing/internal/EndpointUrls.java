package dev.meshlet.routing.internal;

import dev.meshlet.routing.endpoint.Endpoint;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The URLs tries to one endpoint dial. The endpoint's base URL ({@code http://address:port/} and
 * its https twin) is built once, so its host is canonicalized once: OkHttp's
 * {@code HttpUrl.Builder.host} runs IDN conversion on every call, even for an IP address. A try's
 * URL is the base with the logical URL's path, query and fragment (already canonical, so kept as
 * they are); the last one built is kept, so repeated calls to the same path build none.
 */
final class EndpointUrls {
  private final String hostPort;
  private final HttpUrl http;
  private @Nullable HttpUrl https; // built on first use; a race builds an equal one
  private volatile @Nullable Dialed last;

  EndpointUrls(Endpoint endpoint) {
    this.hostPort = endpoint.hostPort();
    this.http = new HttpUrl.Builder().scheme("http").host(endpoint.address()).port(endpoint.port()).build();
  }

  /**
   * The URL a try dials for the logical {@code url}: the endpoint's host and port, over https when
   * {@code tls} (a plaintext try keeps the application's scheme, never downgraded).
   */
  HttpUrl dial(HttpUrl url, boolean tls) {
    Dialed d = last;
    if (d != null && d.tls == tls && d.logical.equals(url)) {
      return d.dialed;
    }
    HttpUrl.Builder b = base(tls || url.isHttps()).newBuilder()
        .encodedPath(url.encodedPath())
        .encodedQuery(url.encodedQuery())
        .encodedFragment(url.encodedFragment());
    if (!url.encodedUsername().isEmpty()) {
      b.encodedUsername(url.encodedUsername());
    }
    if (!url.encodedPassword().isEmpty()) {
      b.encodedPassword(url.encodedPassword());
    }
    HttpUrl built = b.build();
    last = new Dialed(url, tls, built);
    return built;
  }

  /** The endpoint's {@link Endpoint#hostPort()}, built once. */
  String hostPort() {
    return hostPort;
  }

  private HttpUrl base(boolean secure) {
    if (!secure) {
      return http;
    }
    HttpUrl h = https;
    if (h == null) {
      h = http.newBuilder().scheme("https").port(http.port()).build(); // newBuilder keeps the canonical host
      https = h;
    }
    return h;
  }

  private record Dialed(HttpUrl logical, boolean tls, HttpUrl dialed) {}
}
