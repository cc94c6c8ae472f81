package dev.meshlet.tls.verify;

import dev.meshlet.tls.identity.SpiffeId;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * A hostname verifier for mesh connections (OkHttp's {@code hostnameVerifier}). Mesh certificates
 * carry a SPIFFE ID, not DNS names, so hostname verification does not apply: the
 * {@link SpiffeTrustManager} has already verified the peer. This verifier only accepts sessions
 * whose peer has a SPIFFE ID that the host may have, as a second check after the handshake.
 *
 * <p>Use one instance per client: OkHttp pools connections by the verifier's identity too.
 */
public final class MeshHostnameVerifier implements HostnameVerifier {

  private final Function<String, @Nullable AllowedPeers> allowedServers;

  /** {@code allowedServers} answers null for a host that is not a mesh host: it is refused. */
  public MeshHostnameVerifier(Function<String, @Nullable AllowedPeers> allowedServers) {
    this.allowedServers = Objects.requireNonNull(allowedServers, "allowedServers");
  }

  /** Accepts any peer with a SPIFFE ID (the trust manager checked its trust domain). */
  public static MeshHostnameVerifier anyMeshPeer() {
    return new MeshHostnameVerifier(host -> AllowedPeers.any());
  }

  @Override
  public boolean verify(String host, @Nullable SSLSession session) {
    Optional<SpiffeId> id = PeerIdentities.spiffeId(session);
    if (id.isEmpty()) {
      return false;
    }
    AllowedPeers allowed = allowedServers.apply(host);
    return allowed != null && allowed.allows(id.get());
  }
}
