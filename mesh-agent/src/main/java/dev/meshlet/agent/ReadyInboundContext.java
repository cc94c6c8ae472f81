package dev.meshlet.agent;

import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.agent.server.InboundTelemetry;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The mesh's inbound context: the fixed parts, and the mesh's readiness, which server adapters wait for. */
final class ReadyInboundContext implements InboundContext {
  private final InboundContext parts;
  private final Readiness readiness;
  private final Duration startupWait;

  ReadyInboundContext(InboundContext parts, Readiness readiness, Duration startupWait) {
    this.parts = parts;
    this.readiness = readiness;
    this.startupWait = startupWait;
  }

  @Override
  public ConfigSnapshot snapshot() {
    return parts.snapshot();
  }

  @Override
  public WorkloadIdentity identity() {
    return parts.identity();
  }

  @Override
  public Map<String, String> labels() {
    return parts.labels();
  }

  @Override
  public @Nullable WorkloadCertificateManager certificates() {
    return parts.certificates();
  }

  @Override
  public InboundTelemetry telemetry() {
    return parts.telemetry();
  }

  @Override
  public Clock clock() {
    return parts.clock();
  }

  @Override
  public boolean isReady() {
    return readiness.isReady();
  }

  @Override
  public boolean awaitReady() throws InterruptedException {
    return readiness.await(startupWait);
  }

  @Override
  public List<String> waitingFor() {
    return readiness.waitingFor();
  }

  @Override
  public String toString() {
    return parts + (readiness.isReady() ? "" : " (not ready)");
  }
}
