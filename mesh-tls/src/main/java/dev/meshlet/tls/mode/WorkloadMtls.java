package dev.meshlet.tls.mode;

import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The inbound mutual TLS mode of one workload, resolved from its PeerAuthentications: one mode
 * for the workload and overrides per port. Never {@link Mode#UNSET}: inheritance is resolved when
 * this value is built, so a connection asks {@link #modeFor(int)} and gets an answer in O(1).
 *
 * @param mode the mode of every port without an override
 * @param portModes the modes of ports set by the workload's {@code portLevelMtls}
 * @param decidedBy the PeerAuthentications that took part, broadest first (for config dumps)
 */
public record WorkloadMtls(Mode mode, Map<Integer, Mode> portModes, List<ResourceId> decidedBy) {

  /** Istio's answer when no PeerAuthentication applies: PERMISSIVE everywhere. */
  public static final WorkloadMtls DEFAULT = new WorkloadMtls(Mode.PERMISSIVE, Map.of(), List.of());

  public WorkloadMtls {
    Objects.requireNonNull(mode, "mode");
    requireResolved("mode", mode);
    portModes = Map.copyOf(portModes);
    portModes.forEach((port, m) -> {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("portModes: port " + port + " (expected: 1..65535)");
      }
      requireResolved("portModes[" + port + "]", m);
    });
    decidedBy = List.copyOf(decidedBy);
  }

  /** The mode a connection to {@code port} of this workload must meet. */
  public Mode modeFor(int port) {
    if (portModes.isEmpty()) {
      return mode;
    }
    Mode m = portModes.get(port);
    return m == null ? mode : m;
  }

  /** Whether any port of this workload accepts plaintext (PERMISSIVE or DISABLE). */
  public boolean acceptsPlaintextOn(int port) {
    return modeFor(port) != Mode.STRICT;
  }

  private static void requireResolved(String field, @Nullable Mode mode) {
    if (mode == null || mode == Mode.UNSET) {
      throw new IllegalArgumentException(field + ": " + mode
          + " (expected: DISABLE, PERMISSIVE or STRICT; UNSET is resolved before this value is built)");
    }
  }
}
