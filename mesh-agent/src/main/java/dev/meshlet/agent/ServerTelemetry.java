package dev.meshlet.agent;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.ConnectionSecurity;
import dev.meshlet.agent.server.InboundCallInfo;
import dev.meshlet.agent.server.InboundTelemetry;
import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import dev.meshlet.core.telemetry.tracing.ServerRequestInfo;
import dev.meshlet.core.telemetry.tracing.ServerSpan;
import dev.meshlet.tls.authz.SourceIdentity;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The inbound chain's telemetry over the mesh's: a server span continued from the caller's trace
 * headers (whose context the request's outbound calls carry on), and Istio's metrics with
 * {@code reporter="destination"}. The source workload is known by its principal only.
 */
final class ServerTelemetry implements InboundTelemetry {
  private static final int MAX_PEERS = 10_000;

  private final Telemetry telemetry;
  private final WorkloadLabels self;
  private final ServiceLabels service;
  private final Clock clock;
  private final Map<String, TrafficLabels> byPeer = new ConcurrentHashMap<>();

  ServerTelemetry(Telemetry telemetry, WorkloadLabels self, ServiceLabels service, Clock clock) {
    this.telemetry = telemetry;
    this.self = self;
    this.service = service;
    this.clock = clock;
  }

  @Override
  public Observation start(InboundCallInfo call) {
    Context parent = telemetry.tracing().propagation().extract(Context.root(), call.traceHeaders());
    String target = call.pathAndQuery();
    int q = target.indexOf('?');
    String host = call.authority();
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    boolean mtls = call.security() == ConnectionSecurity.MUTUAL_TLS;
    ServerSpan span = telemetry.tracing().startServer(parent, new ServerRequestInfo(call.method(), mtls ? "https" : "http",
        q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1), null, host, call.localPort(),
        null, null, null));
    TrafficLabels labels = labels(call.source(), mtls);
    return new Observation() {
      @Override
      public Map<String, String> propagation(Map<String, String> inbound) {
        if (!span.span().getSpanContext().isValid()) {
          return inbound;
        }
        Map<String, String> out = new LinkedHashMap<>();
        String requestId = inbound.get("x-request-id");
        if (requestId != null) {
          out.put("x-request-id", requestId);
        }
        telemetry.tracing().propagation().inject(span.context(), (k, v) -> {
          if (RequestScope.PROPAGATED_HEADERS.contains(k)) {
            out.put(k, v);
          }
        });
        return out;
      }

      @Override
      public void end(int status, String responseFlags, @Nullable Throwable error) {
        if (error != null) {
          span.end(status, error);
        } else {
          span.end(status);
        }
        telemetry.record(CallRecord.builder(labels)
            .responseCode(status)
            .responseFlags(responseFlags.isEmpty() ? null : responseFlags)
            .durationNanos(Math.max(0, Duration.between(call.start(), clock.instant()).toNanos()))
            .startEpochMillis(call.start().toEpochMilli())
            .request(call.method(), call.pathAndQuery(), null)
            .traceId(span.traceId())
            .build());
      }
    };
  }

  private TrafficLabels labels(SourceIdentity source, boolean mtls) {
    String key = (mtls ? "m:" : "p:") + source.principal();
    TrafficLabels labels = byPeer.get(key);
    if (labels == null) {
      String principal = source.principal() == null ? null
          : source.principal().startsWith("spiffe://") ? source.principal() : "spiffe://" + source.principal();
      WorkloadLabels peer = source.principal() == null ? WorkloadLabels.UNKNOWN_PEER
          : new WorkloadLabels(null, source.namespace(), principal, null, null, null, null, null);
      labels = TrafficLabels.destination(peer, self, service, mtls);
      if (byPeer.size() < MAX_PEERS) {
        byPeer.put(key, labels);
      }
    }
    return labels;
  }
}
