package dev.meshlet.tls.authz;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What authorization knows of a connection, made once when it is accepted: the peer's identity
 * (from its verified certificate), the addresses of both ends, the local port and the SNI.
 *
 * @param source the verified peer, {@link SourceIdentity#NONE} for plaintext
 * @param sourceIp the peer's address ({@code source.ip}, {@code ipBlocks}), null when unknown
 * @param destinationIp the local address the connection reached ({@code destination.ip})
 * @param destinationPort the local port ({@code destination.port}, {@code ports})
 * @param sni the server name the client asked for ({@code connection.sni}), null when none
 */
public record ConnectionAttributes(
    SourceIdentity source,
    @Nullable IpAddress sourceIp,
    @Nullable IpAddress destinationIp,
    int destinationPort,
    @Nullable String sni) {

  public ConnectionAttributes {
    Objects.requireNonNull(source, "source");
    if (destinationPort < 0 || destinationPort > 65535) {
      throw new IllegalArgumentException("destinationPort: " + destinationPort + " (expected: 0..65535)");
    }
  }
}
