package dev.meshlet.agent.server;

import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One inbound request as an adapter presents it to the chain, read from the server's own types
 * without copying the headers.
 *
 * @param method the HTTP method
 * @param pathAndQuery the request target's path and query
 * @param authority the Host or {@code :authority}, "" when absent
 * @param headers the request headers, looked up ignoring case
 * @param tls whether the connection is TLS (on a PERMISSIVE port, false for plaintext)
 * @param peer the peer's verified mesh identity, null for plaintext or a peer without one
 * @param remoteAddress the peer's address, null when unknown
 * @param localAddress the local address the connection reached, null when unknown
 * @param localPort the local port, which port-level PeerAuthentication is keyed by
 * @param sni the server name the client asked for, null when none
 */
public record InboundRequest(
    String method,
    String pathAndQuery,
    String authority,
    RequestHeaders headers,
    boolean tls,
    @Nullable VerifiedPeer peer,
    @Nullable InetAddress remoteAddress,
    @Nullable InetAddress localAddress,
    int localPort,
    @Nullable String sni) {

  public InboundRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(headers, "headers");
    if (localPort < 0 || localPort > 65535) {
      throw new IllegalArgumentException("localPort: " + localPort + " (expected: 0..65535)");
    }
  }
}
