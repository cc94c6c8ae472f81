package dev.meshlet.routing.pool;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.ToIntFunction;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Enforces {@code maxRequestsPerConnection} in an OkHttp client: a network interceptor that
 * counts the requests each connection carried and marks the last allowed one {@code Connection:
 * close}, so OkHttp retires the connection after its response. Install it with {@code
 * addNetworkInterceptor}; as an application interceptor it sees no connection and does nothing.
 */
public final class RequestsPerConnection implements Interceptor {

  private final ToIntFunction<Request> limit;
  // Weak keys: a connection OkHttp evicted is forgotten with it. Held briefly, once per request.
  private final Map<Connection, int[]> counts = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * @param limit the limit for a request's destination (from its effective policy, typically
   *     through a request tag); 0 is no limit
   */
  public RequestsPerConnection(ToIntFunction<Request> limit) {
    this.limit = Objects.requireNonNull(limit, "limit");
  }

  /** The same limit for every request. */
  public static RequestsPerConnection fixed(int maxRequestsPerConnection) {
    if (maxRequestsPerConnection < 0) {
      throw new IllegalArgumentException(
          "connectionPool.http.maxRequestsPerConnection: " + maxRequestsPerConnection + " (expected: >= 0)");
    }
    return new RequestsPerConnection(request -> maxRequestsPerConnection);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Connection connection = chain.connection();
    int max = limit.applyAsInt(request);
    if (connection == null || max <= 0) {
      return chain.proceed(request);
    }
    int served;
    synchronized (counts) {
      served = ++counts.computeIfAbsent(connection, c -> new int[1])[0];
    }
    if (served >= max) {
      request = request.newBuilder().header("Connection", "close").build();
    }
    return chain.proceed(request);
  }
}
