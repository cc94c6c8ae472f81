package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import dev.meshlet.core.config.NonEmptyWhenSet;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's PeerAuthentication ({@code security.istio.io} v1, v1beta1): which mutual TLS
 * mode the selected workloads accept inbound, for the workload as a whole and per port. Scope comes
 * from where it lives: the root namespace (mesh-wide), a namespace, or a workload selector.
 *
 * @param selector the workloads it applies to; null means every workload of the namespace (or of
 *     the mesh, in the root namespace)
 * @param mtls the mode for the workload; null or {@link Mode#UNSET} inherits from the scope above
 * @param portLevelMtls modes per port number; Istio allows them only with a selector
 */
public record PeerAuthentication(
    @Nullable WorkloadSelector selector,
    @Nullable Mtls mtls,
    @NonEmptyWhenSet Map<Integer, Mtls> portLevelMtls) {

  public PeerAuthentication {
    portLevelMtls = Copies.map(portLevelMtls);
  }

  /** Istio's {@code PeerAuthentication.MutualTLS.Mode}. */
  public enum Mode {
    /** Inherit from the scope above; PERMISSIVE where nothing above sets a mode. */
    UNSET,
    /** Plaintext only: the connection is not tunnelled through mTLS. */
    DISABLE,
    /** Both plaintext and mTLS are accepted. */
    PERMISSIVE,
    /** Only mTLS with a client certificate is accepted. */
    STRICT
  }

  /** Istio's {@code PeerAuthentication.MutualTLS}: the mTLS mode of a workload or a port. */
  public record Mtls(@Nullable Mode mode) {
    /** The mode, with an absent one read as {@link Mode#UNSET} as Istio's proto default does. */
    public Mode modeOrUnset() {
      return mode == null ? Mode.UNSET : mode;
    }

    public static Mtls of(Mode mode) {
      return new Mtls(mode);
    }
  }

  /** The workload-level mode, {@link Mode#UNSET} when none is written. */
  public Mode modeOrUnset() {
    return mtls == null ? Mode.UNSET : mtls.modeOrUnset();
  }
}
