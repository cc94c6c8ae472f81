package dev.meshlet.routing.internal;

import dev.meshlet.tls.client.ClientTls;
import java.util.Objects;
import dev.meshlet.routing.pool.RequestsPerConnection;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.CookieJar;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The OkHttp clients attempts run on, all derived from the application's with {@code newBuilder()}
 * so they share its connection pool and dispatcher: without the application's interceptors (they
 * already ran on the logical call), without following redirects (the mesh follows them, through
 * routing), without the cookie jar and cache (they would see endpoint addresses), with a tracker of what each attempt sent, and with the destination's connect timeout.
 * A client that must not replay requests has OkHttp's own silent retry off.
 */
final class AttemptClients {
  private final OkHttpClient base;
  private final boolean multiplexed;
  private final ConcurrentHashMap<Duration, OkHttpClient[]> byConnectTimeout = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TlsKey, OkHttpClient> byTls = new ConcurrentHashMap<>();
  private final Interceptor networkStep;
  private final int connectTimeoutMillis;
  private final boolean retriesOnConnectionFailure;

  /** A derived TLS client: ClientTls values share their parts, so this stays small and pools stay whole. */
  private record TlsKey(Duration connectTimeout, boolean replayable, ClientTls tls) {}

  AttemptClients(OkHttpClient application) {
    this.networkStep = networkStep();
    // Cookies and the cache belong to the logical URL ("http://reviews/..."), not to an endpoint's
    // address: the mesh interceptor handles the cookie jar; the cache is not used for mesh calls.
    OkHttpClient.Builder b = application.newBuilder().followRedirects(false).followSslRedirects(false)
        .cookieJar(CookieJar.NO_COOKIES).cache(null)
        .eventListenerFactory(AttemptTracker.wrap(application.eventListenerFactory()))
        .addNetworkInterceptor(networkStep);
    b.interceptors().clear();
    this.base = b.build();
    // Cleartext HTTP/2 only with prior knowledge; over TLS ALPN decides per connection, so a
    // request is counted as holding a connection unless HTTP/2 is certain.
    this.multiplexed = application.protocols().equals(java.util.List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE));
    this.connectTimeoutMillis = application.connectTimeoutMillis();
    this.retriesOnConnectionFailure = application.retryOnConnectionFailure();
  }

  /**
   * The mesh's network interceptor, on attempt clients and on the application's wrapped client
   * (for tries on its own call): marks that the try's request is about to be written, and keeps
   * the destination's {@code maxRequestsPerConnection}. One instance, so both count the same
   * pooled connections.
   */
  private static Interceptor networkStep() {
    RequestsPerConnection perConnection = new RequestsPerConnection(r -> {
      AttemptTracker t = r.tag(AttemptTracker.TAG);
      return t == null ? 0 : t.maxRequestsPerConnection();
    });
    return chain -> {
      AttemptTracker t = chain.request().tag(AttemptTracker.TAG);
      if (t != null) {
        t.requestStarting();
      }
      return perConnection.intercept(chain);
    };
  }

  /** The network interceptor the application's wrapped client must carry (see {@link #networkStep()}). */
  Interceptor networkInterceptor() {
    return networkStep;
  }

  /** The application client's connect timeout, which a try on its own call keeps unless the destination sets another. */
  int connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /** Whether the application's client lets OkHttp silently replay a request on a failed connection. */
  boolean retriesOnConnectionFailure() {
    return retriesOnConnectionFailure;
  }

  /** The client for requests that may be replayed ({@code replayable}) or not, connecting within {@code connectTimeout}. */
  OkHttpClient client(Duration connectTimeout, boolean replayable) {
    OkHttpClient[] pair = byConnectTimeout.get(connectTimeout);
    if (pair == null) {
      pair = byConnectTimeout.computeIfAbsent(connectTimeout, t -> {
        OkHttpClient c = base.connectTimeoutMillis() == t.toMillis() ? base : base.newBuilder().connectTimeout(t).build();
        return new OkHttpClient[] {c, c.newBuilder().retryOnConnectionFailure(false).build()};
      });
    }
    return replayable ? pair[0] : pair[1];
  }

  /**
   * The client for attempts connecting with {@code tls}: {@link #client(Duration, boolean)} as it is
   * for plaintext, else derived from it once with the TLS socket factory, trust manager and
   * hostname verifier (and kept, so OkHttp's pool and route database are shared).
   */
  OkHttpClient client(Duration connectTimeout, boolean replayable, ClientTls tls) {
    if (!tls.isTls()) {
      return client(connectTimeout, replayable);
    }
    TlsKey key = new TlsKey(connectTimeout, replayable, tls);
    OkHttpClient c = byTls.get(key);
    if (c == null) {
      c = byTls.computeIfAbsent(key, k -> {
        OkHttpClient.Builder b = client(k.connectTimeout(), k.replayable()).newBuilder()
            .sslSocketFactory(Objects.requireNonNull(k.tls().sslSocketFactory()), Objects.requireNonNull(k.tls().trustManager()));
        if (k.tls().hostnameVerifier() != null) {
          b.hostnameVerifier(k.tls().hostnameVerifier());
        }
        return b.build();
      });
    }
    return c;
  }

  /** Whether every request shares connections (HTTP/2 with prior knowledge), for the pool's connection limit. */
  boolean multiplexed() {
    return multiplexed;
  }

  /** The client for calls outside any destination policy (pass-through, mirrors). */
  OkHttpClient plain(boolean replayable) {
    return client(Duration.ofMillis(base.connectTimeoutMillis()), replayable);
  }
}
