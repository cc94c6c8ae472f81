package dev.meshlet.agent;

import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.outlier.OutlierEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Records each outbound call as Istio's client side does ({@code reporter="source"}), and the
 * machinery's retries and ejections. The destination workload is not known per call here (the
 * routing listener names the cluster, not the instance), so it is {@code unknown}.
 */
final class ClientTelemetry implements MeshCallListener {
  /** Label sets kept; past it, a host's labels are built per call (telemetry bounds the series). */
  private static final int MAX_HOSTS = 10_000;

  private final Telemetry telemetry;
  private final WorkloadLabels self;
  private final Map<String, TrafficLabels> byService = new ConcurrentHashMap<>();

  ClientTelemetry(Telemetry telemetry, WorkloadLabels self) {
    this.telemetry = telemetry;
    this.self = self;
  }

  @Override
  public void onCall(Call call) {
    String fqdn = serviceOf(call.destination());
    String key = fqdn == null ? "passthrough:" + call.host() : fqdn;
    TrafficLabels labels = byService.get(key);
    if (labels == null) {
      labels = TrafficLabels.source(self, WorkloadLabels.UNKNOWN_PEER,
          fqdn == null ? ServiceLabels.passthrough(call.host()) : ServiceLabels.ofHost(fqdn));
      if (byService.size() < MAX_HOSTS) {
        byService.put(key, labels);
      }
    }
    String flags = call.flags().isEmpty() ? null
        : call.flags().stream().map(ResponseFlag::name).sorted().collect(Collectors.joining(","));
    telemetry.record(CallRecord.builder(labels)
        .responseCode(call.status())
        .responseFlags(flags)
        .durationNanos(call.duration().toNanos())
        .upstream(null, call.destination())
        .build());
  }

  @Override
  public void onAttempt(Attempt attempt) {
    if (attempt.number() > 1 && attempt.destination() != null) {
      telemetry.meshletMetrics().retry(attempt.destination());
    }
  }

  @Override
  public void onOutlierEvent(String destination, OutlierEvent event) {
    if (event.type() == OutlierEvent.Type.EJECTED) {
      telemetry.meshletMetrics().ejection(destination);
    }
  }

  /** The FQDN in a cluster name {@code outbound|port|subset|fqdn}, or null. */
  private static @Nullable String serviceOf(@Nullable String cluster) {
    if (cluster == null) {
      return null;
    }
    int bar = cluster.lastIndexOf('|');
    return bar < 0 ? cluster : cluster.substring(bar + 1);
  }
}
