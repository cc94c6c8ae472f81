package dev.meshlet.agent.server;

import dev.meshlet.core.config.security.RootNamespace;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the inbound chain needs from the runtime that owns it (the {@code Mesh} facade): the
 * current config snapshot, who this workload is, its certificates, telemetry and the clock. The
 * server adapters read only this, never the facade's internals.
 */
public interface InboundContext {

  /** The config in force now; read once per request (a volatile read in the facade). */
  ConfigSnapshot snapshot();

  /** This workload's identity: its namespace and service account. */
  WorkloadIdentity identity();

  /** This workload's labels, which PeerAuthentication and AuthorizationPolicy selectors match. */
  Map<String, String> labels();

  /** The workload's rotating certificate, or null when mTLS is off (plaintext listeners only). */
  @Nullable WorkloadCertificateManager certificates();

  /** Where inbound calls are reported. */
  InboundTelemetry telemetry();

  /** The clock deadlines are measured with. */
  Clock clock();

  /**
   * Whether requests may be served: the runtime's config from every source and, with mTLS, its
   * certificate are in place. One volatile read; a fixed context is always ready.
   */
  default boolean isReady() {
    return true;
  }

  /**
   * Waits, a bounded time the runtime chooses (the {@code Mesh}'s {@code startupWait}), for
   * readiness.
   *
   * @return true when ready, false when the wait ran out or the runtime closed
   */
  default boolean awaitReady() throws InterruptedException {
    return isReady();
  }

  /** What readiness still waits for, with the reason where one is known; for the 503's body. */
  default List<String> waitingFor() {
    return List.of();
  }

  /** The namespace whose selector-less policies are mesh-wide; Istio's {@code istio-system} by default. */
  default String rootNamespace() {
    return RootNamespace.DEFAULT;
  }

  /**
   * A context from fixed parts, for tests, examples and runtimes without a facade.
   *
   * @param snapshot read on every request, so a supplier of a volatile field hot-swaps config
   */
  static InboundContext of(Supplier<ConfigSnapshot> snapshot, WorkloadIdentity identity, Map<String, String> labels,
      @Nullable WorkloadCertificateManager certificates, InboundTelemetry telemetry, Clock clock) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(identity, "identity");
    Map<String, String> fixedLabels = Map.copyOf(labels);
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(clock, "clock");
    return new InboundContext() {
      @Override
      public ConfigSnapshot snapshot() {
        return snapshot.get();
      }

      @Override
      public WorkloadIdentity identity() {
        return identity;
      }

      @Override
      public Map<String, String> labels() {
        return fixedLabels;
      }

      @Override
      public @Nullable WorkloadCertificateManager certificates() {
        return certificates;
      }

      @Override
      public InboundTelemetry telemetry() {
        return telemetry;
      }

      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public String toString() {
        return "InboundContext{" + identity + ", labels=" + fixedLabels + ", mtls=" + (certificates != null) + "}";
      }
    };
  }
}
