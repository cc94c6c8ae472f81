package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's Sidecar: narrows what the selected workloads (or the namespace) see and
 * accept: inbound listeners, outbound hosts, the policy for unknown destinations.
 *
 * @param inboundConnectionPool connection pool limits for all inbound traffic
 */
public record Sidecar(
    @Nullable WorkloadSelector workloadSelector,
    List<IstioIngressListener> ingress,
    List<IstioEgressListener> egress,
    @Nullable ConnectionPoolSettings inboundConnectionPool,
    @Nullable OutboundTrafficPolicy outboundTrafficPolicy) {

  public Sidecar {
    ingress = Copies.list(ingress);
    egress = Copies.list(egress);
  }

  /**
   * An inbound listener: a port of the workload and where its traffic goes.
   *
   * @param defaultEndpoint {@code 127.0.0.1:PORT}, {@code [::1]:PORT} or {@code unix:///path}
   */
  public record IstioIngressListener(
      @Nullable SidecarPort port,
      @Nullable String bind,
      @Nullable CaptureMode captureMode,
      @Nullable String defaultEndpoint,
      @Nullable ServerTlsSettings tls,
      @Nullable ConnectionPoolSettings connectionPool) {}

  /**
   * An outbound listener: the hosts the workload may reach (on one port, or on all).
   *
   * @param hosts {@code namespace/dnsName} entries; {@code *}, {@code .} and {@code ~} as Istio
   *     reads them
   */
  public record IstioEgressListener(
      @Nullable SidecarPort port,
      @Nullable String bind,
      @Nullable CaptureMode captureMode,
      List<String> hosts) {
    public IstioEgressListener {
      hosts = Copies.list(hosts);
    }
  }

  /** A port of a listener. */
  public record SidecarPort(
      @Nullable Integer number, @Nullable String protocol, @Nullable String name, @Nullable Integer targetPort) {}

  /** How traffic reaches the listener. */
  public enum CaptureMode {
    DEFAULT,
    IPTABLES,
    NONE
  }

  /**
   * What happens to calls to hosts the registry does not know.
   *
   * @param egressProxy where ALLOW_ANY traffic to unknown hosts is sent instead of directly
   */
  public record OutboundTrafficPolicy(@Nullable Mode mode, @Nullable Destination egressProxy) {
    /** REGISTRY_ONLY refuses unknown hosts; ALLOW_ANY passes them through. */
    public enum Mode {
      REGISTRY_ONLY,
      ALLOW_ANY
    }
  }
}
