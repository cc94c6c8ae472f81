package dev.meshlet.agent.server;

import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.RequestProtocol;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import dev.meshlet.core.telemetry.tracing.ServerRequestInfo;
import dev.meshlet.core.telemetry.tracing.ServerSpan;
import dev.meshlet.tls.authz.SourceIdentity;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link InboundTelemetry} over Meshlet's {@link Telemetry}: a server span continuing the caller's
 * trace (W3C or B3), whose context outbound calls made while serving carry on; Istio's metrics
 * and access log with {@code reporter=destination}, the caller's principal and namespace (what
 * mutual TLS proves), its workload, app, version and canonical service from its {@link PeerMetadata}
 * header ({@code unknown} without one, as Istio reports a caller without metadata exchange) and
 * {@code connection_security_policy} {@code mutual_tls} or {@code none}.
 */
public final class MeshInboundTelemetry implements InboundTelemetry {

  /** Callers whose labels are kept; beyond it labels are built per request rather than grown without bound. */
  static final int MAX_CACHED_CALLERS = 1024;

  private final Telemetry telemetry;
  private final WorkloadLabels self;
  private final ServiceLabels service;
  private final LongSupplier nanoTime;
  private final TrafficLabels plaintext;
  private final Map<Caller, TrafficLabels> byCaller = new ConcurrentHashMap<>();
  private volatile @Nullable Host lastHost;
  private volatile @Nullable Known lastCaller;

  private MeshInboundTelemetry(Telemetry telemetry, WorkloadLabels self, ServiceLabels service, LongSupplier nanoTime) {
    this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    this.self = Objects.requireNonNull(self, "self");
    this.service = Objects.requireNonNull(service, "service");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.plaintext = TrafficLabels.destination(WorkloadLabels.UNKNOWN_PEER, self, service, false);
  }

  /**
   * Reports inbound requests of the workload {@code self} (its labels, without principal) serving
   * {@code service}.
   */
  public static MeshInboundTelemetry of(Telemetry telemetry, WorkloadLabels self, ServiceLabels service) {
    return new MeshInboundTelemetry(telemetry, self, service, System::nanoTime);
  }

  /** The same with the clock durations are measured on (tests). */
  public static MeshInboundTelemetry of(Telemetry telemetry, WorkloadLabels self, ServiceLabels service,
      LongSupplier nanoTime) {
    return new MeshInboundTelemetry(telemetry, self, service, nanoTime);
  }

  @Override
  public Observation start(InboundCallInfo call) {
    long startNanos = nanoTime.getAsLong();
    String pathAndQuery = call.pathAndQuery();
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? null : pathAndQuery.substring(q + 1);
    String authority = call.authority();
    String host = host(authority);
    Map<String, String> trace = call.traceHeaders();
    // The chain read the headers into a map of lower-case names: only the formats that came are parsed.
    ServerSpan span = telemetry.tracing().startServer(trace, new ServerRequestInfo(call.method(),
        call.security() == ConnectionSecurity.MUTUAL_TLS ? "https" : "http", path, query, null,
        host.isEmpty() ? null : host, call.localPort(), null, null, null));
    TrafficLabels labels = labels(call.source(), call.security(), call.peerMetadata());
    return new Observation() {
      @Override
      public Map<String, String> propagation(Map<String, String> inbound) {
        SpanContext context = span.span().getSpanContext();
        if (!context.isValid() || context.isRemote() || !span.span().isRecording()) {
          // No tracing SDK (OpenTelemetry.noop() hands back the caller's own context, remote), no
          // context at all, or a trace not sampled (nothing of this span is exported, so outbound
          // calls may as well name the caller's span): pass on what the caller sent, in every
          // format it sent, without building headers per request.
          return inbound;
        }
        // The server span replaces the caller's in every format written; a format not written
        // (B3 when only W3C is injected) is dropped rather than left pointing at the caller's span.
        Map<String, String> out = new HashMap<>();
        String requestId = inbound.get("x-request-id");
        if (requestId != null) {
          out.put("x-request-id", requestId);
        }
        telemetry.tracing().propagation().inject(span.context(), out::put);
        return out;
      }

      @Override
      public void end(int status, String responseFlags, @Nullable Throwable error) {
        if (error != null) {
          span.end(status, error);
        } else {
          span.end(status);
        }
        long durationNanos = nanoTime.getAsLong() - startNanos;
        if (!telemetry.accessLog().isEnabled()) {
          // Metrics only: what record() would count, without building the access log's record.
          telemetry.recordMetrics(labels, status, responseFlags.isEmpty() ? CallRecord.NO_FLAGS : responseFlags,
              durationNanos, 0, 0);
          return;
        }
        telemetry.record(CallRecord.builder(labels)
            .protocol(RequestProtocol.HTTP)
            .responseCode(status)
            .responseFlags(responseFlags.isEmpty() ? null : responseFlags)
            .durationNanos(durationNanos)
            .startEpochMillis(call.start().toEpochMilli())
            .request(call.method(), pathAndQuery, null)
            .authority(authority)
            .requestId(trace.get("x-request-id"))
            .traceId(span.traceId())
            .build());
      }
    };
  }

  /** {@code authority} without its port; the last one's kept, as clients name the server the same way each time. */
  private String host(String authority) {
    Host last = lastHost;
    if (last != null && last.authority.equals(authority)) {
      return last.host;
    }
    int colon = authority.lastIndexOf(':');
    String host = colon > 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
    lastHost = new Host(authority, host);
    return host;
  }

  private TrafficLabels labels(SourceIdentity source, ConnectionSecurity security, @Nullable String metadata) {
    boolean mutual = security == ConnectionSecurity.MUTUAL_TLS && source.principal() != null;
    if (!mutual && metadata == null) {
      return plaintext;
    }
    String principal = mutual ? source.principal() : null;
    Known last = lastCaller;
    if (last != null && last.caller.is(principal, metadata)) {
      // A server's callers are few and each repeats: no key, hash or map lookup for the same caller again.
      return last.labels;
    }
    Caller key = new Caller(principal, metadata);
    TrafficLabels labels = byCaller.get(key);
    if (labels != null) {
      lastCaller = new Known(key, labels);
    } else {
      // Labels from the caller's header are kept only while the cache has room: a header is the
      // caller's word, and label sets must stay bounded whatever callers send.
      boolean room = byCaller.size() < MAX_CACHED_CALLERS;
      WorkloadLabels peer = room ? PeerMetadata.decode(metadata, principal, mutual ? source.namespace() : null) : null;
      if (peer == null) {
        peer = mutual ? new WorkloadLabels(null, source.namespace(), "spiffe://" + principal, null, null, null, null, null)
            : WorkloadLabels.UNKNOWN_PEER;
      }
      labels = TrafficLabels.destination(peer, self, service, mutual);
      if (room) {
        byCaller.putIfAbsent(key, labels);
      }
    }
    return labels;
  }

  /**
   * A caller as its labels depend on it: the certificate's principal and the metadata header it
   * sent. Written out rather than a record's: a record's equals and hashCode go through method
   * handles that showed in profiles, and this key is built and looked up on every request.
   */
  private static final class Caller {
    private final @Nullable String principal;
    private final @Nullable String metadata;

    Caller(@Nullable String principal, @Nullable String metadata) {
      this.principal = principal;
      this.metadata = metadata;
    }

    boolean is(@Nullable String principal, @Nullable String metadata) {
      return Objects.equals(this.metadata, metadata) && Objects.equals(this.principal, principal);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Caller other && is(other.principal, other.metadata);
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(principal) + Objects.hashCode(metadata);
    }
  }

  /** A caller whose labels are in {@link #byCaller}, kept as the last one seen. */
  private record Known(Caller caller, TrafficLabels labels) {}

  /** The host part of the last authority seen, which is the same for nearly every request. */
  private record Host(String authority, String host) {}
}
