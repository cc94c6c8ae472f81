package dev.meshlet.tls.authz;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What authorization reads of one request: its connection, method, path (without the query),
 * host (the {@code :authority} as sent, port included when sent), headers, and the original
 * client address ({@code remote.ip}, {@code remoteIpBlocks}; the connection's peer unless the
 * adapter trusts an X-Forwarded-For hop).
 */
public record RequestAttributes(
    ConnectionAttributes connection,
    String method,
    String path,
    String host,
    RequestHeaders headers,
    @Nullable IpAddress remoteIp) {

  public RequestAttributes {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(headers, "headers");
  }

  /**
   * A request whose {@code remote.ip} is the connection's peer; {@code pathAndQuery} loses its
   * query and fragment, as Envoy's {@code url_path} does.
   */
  public static RequestAttributes of(ConnectionAttributes connection, String method, String pathAndQuery, String host,
      RequestHeaders headers) {
    return new RequestAttributes(connection, method, pathOnly(pathAndQuery), host, headers, connection.sourceIp());
  }

  /** The same request with the original client address an adapter read from a trusted hop. */
  public RequestAttributes withRemoteIp(@Nullable IpAddress remoteIp) {
    return new RequestAttributes(connection, method, path, host, headers, remoteIp);
  }

  static String pathOnly(String pathAndQuery) {
    // indexOf is an intrinsic that scans many chars a step; a path is read on every request.
    int query = pathAndQuery.indexOf('?');
    int fragment = pathAndQuery.indexOf('#');
    int end = fragment >= 0 && (query < 0 || fragment < query) ? fragment : query;
    return end < 0 ? pathAndQuery : pathAndQuery.substring(0, end);
  }
}
