package dev.meshlet.agent;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.Telemetry;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import dev.meshlet.core.telemetry.tracing.ClientRequestInfo;
import dev.meshlet.core.telemetry.tracing.ClientSpan;
import dev.meshlet.core.telemetry.tracing.HttpTracing;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.outlier.OutlierEvent;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Telemetry of outbound calls, as Istio's client sidecar keeps it: a client span per attempt
 * (child of the caller's span, its trace context written into that attempt's request), and per
 * logical call Istio's metrics with {@code reporter="source"}, labelled with the workload of the
 * instance that answered (the last attempt's endpoint) and, over mutual TLS, the principal its
 * certificate proved; plus the machinery's retries and ejections.
 */
final class ClientTelemetry implements MeshCallListener {
  /** Label sets kept per service and per endpoint; past it, labels are built per call (telemetry bounds the series). */
  private static final int MAX_KEPT = 10_000;

  private final Telemetry telemetry;
  private final HttpTracing tracing;
  private final WorkloadLabels self;
  private final PeerPrincipals principals = new PeerPrincipals();
  private final Map<String, Destinations> byCluster = new ConcurrentHashMap<>();
  private final Map<String, Destinations> byPassthroughHost = new ConcurrentHashMap<>();
  /** The header names a span's inject may write, lower case. */
  private final Set<String> injected;

  ClientTelemetry(Telemetry telemetry, WorkloadLabels self) {
    this.telemetry = telemetry;
    this.tracing = telemetry.tracing();
    this.self = self;
    this.injected = Set.copyOf(tracing.propagation().fields());
  }

  /** The served request's trace headers an attempt's own context replaces (its request id stays). */
  private static final Set<String> REPLACED = RequestScope.PROPAGATED_HEADERS.stream()
      .filter(name -> !name.equals("x-request-id")).collect(Collectors.toUnmodifiableSet());

  @Override
  public AttemptObserver startAttempt(AttemptStart start, Request.Builder request) {
    OutboundCall call = start.request().tag(OutboundCall.TAG);
    if (call == null) {
      return AttemptObserver.NONE; // not made through the mesh's client: nothing to carry
    }
    call.attempts++;
    call.endpoint = start.endpoint();
    call.peerPrincipal = null;
    ClientSpan span = call.parent == null ? null : startSpan(call, start, request);
    return (status, failure, response) -> {
      if (response != null) {
        call.peerPrincipal = principals.of(response.handshake());
        call.responseBytes = Math.max(0, response.body().contentLength());
      } else {
        call.responseBytes = 0;
      }
      if (span != null) {
        if (failure != null) {
          span.end(status, failure);
        } else {
          span.end(status);
        }
      }
    };
  }

  private @Nullable ClientSpan startSpan(OutboundCall call, AttemptStart start, Request.Builder request) {
    ClientSpan span = tracing.startClient(call.parent, info(start.request(), start.number() - 1));
    if (!span.span().getSpanContext().isValid()) {
      return null; // no tracing and no trace to continue: the request's headers go as they are
    }
    Endpoint endpoint = start.endpoint();
    if (endpoint != null) {
      span.peer(endpoint.address(), endpoint.port());
    }
    if (start.destination() != null) {
      span.upstream(start.destination(), CallRecord.NO_FLAGS);
    }
    // One pass over the headers the attempt starts with finds the trace headers already there:
    // most attempts carry none, so the span's are added without a removal per name.
    boolean written = false;
    Headers sent = start.sentHeaders();
    for (int i = 0, n = sent.size(); i < n; i++) {
      String name = sent.name(i).toLowerCase(Locale.ROOT);
      if (call.copiedTraceHeaders && REPLACED.contains(name)) {
        // This attempt's context replaces the served request's, whatever formats it arrived in.
        request.removeHeader(name);
      } else {
        written |= injected.contains(name);
      }
    }
    if (written) {
      span.inject(request::header);
    } else {
      span.inject(request::addHeader);
    }
    call.traceId = span.traceId();
    return span;
  }

  private static ClientRequestInfo info(Request request, int resendCount) {
    HttpUrl url = request.url();
    return new ClientRequestInfo(request.method(), url.toString(), url.host(), url.port(), resendCount);
  }

  @Override
  public void onCall(Call call) {
    OutboundCall outbound = call.request().tag(OutboundCall.TAG);
    Endpoint endpoint = outbound == null ? null : outbound.endpoint;
    String principal = outbound == null ? null : outbound.peerPrincipal;
    String flags = call.flags().isEmpty() ? null
        : call.flags().stream().map(ResponseFlag::name).sorted().collect(Collectors.joining(","));
    if (outbound != null && outbound.attempts == 0 && outbound.parent != null) {
      spanWithoutAttempt(call, outbound, flags);
    }
    TrafficLabels labels = labels(call, endpoint, principal);
    if (!telemetry.accessLog().isEnabled()) {
      // Metrics only: nothing is built per call once the label set is known.
      telemetry.recordMetrics(labels, call.status(), flags == null ? CallRecord.NO_FLAGS : flags,
          call.duration().toNanos(), requestBytes(call.request()), outbound == null ? 0 : outbound.responseBytes);
      return;
    }
    Request request = call.request();
    telemetry.record(CallRecord.builder(labels)
        .responseCode(call.status())
        .responseFlags(flags)
        .durationNanos(call.duration().toNanos())
        .requestBytes(requestBytes(request))
        .responseBytes(outbound == null ? 0 : outbound.responseBytes)
        .startEpochMillis(System.currentTimeMillis() - call.duration().toMillis())
        .request(request.method(), request.url().encodedPath(), null)
        .authority(call.host())
        .userAgent(request.header("User-Agent"))
        .requestId(request.header("x-request-id"))
        .routeName(call.route())
        .upstream(endpoint == null ? null : endpoint.hostPort(), call.destination())
        .traceId(outbound == null ? null : outbound.traceId)
        .build());
  }

  /** The request body's declared length; 0 without a body or when it is not known in advance (streamed). */
  private static long requestBytes(Request request) {
    okhttp3.RequestBody body = request.body();
    if (body == null) {
      return 0;
    }
    try {
      return Math.max(0, body.contentLength());
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** A call that made no attempt (a fault abort, a direct response, no route or endpoint) still shows in the trace. */
  private void spanWithoutAttempt(Call call, OutboundCall outbound, @Nullable String flags) {
    ClientSpan span = tracing.startClient(outbound.parent, info(call.request(), 0),
        Instant.now().minus(call.duration()));
    if (!span.span().getSpanContext().isValid()) {
      return;
    }
    if (call.destination() != null || flags != null) {
      span.upstream(call.destination() == null ? "-" : call.destination(), flags == null ? CallRecord.NO_FLAGS : flags);
    }
    if (flags != null && (call.status() == 0 || call.status() >= 400)) {
      span.endWithErrorType(call.status(), flags);
    } else {
      span.end(call.status());
    }
  }

  /** The labels of a call to the service called, answered by {@code endpoint} proving {@code principal}. */
  private TrafficLabels labels(Call call, @Nullable Endpoint endpoint, @Nullable String principal) {
    // Keyed by the cluster name as it comes (no parsing per call); a passthrough call by its host.
    String cluster = call.destination();
    Map<String, Destinations> map = cluster == null ? byPassthroughHost : byCluster;
    String key = cluster == null ? call.host() : cluster;
    Destinations destinations = map.get(key);
    if (destinations == null) {
      String fqdn = serviceOf(cluster);
      destinations = new Destinations(self,
          fqdn == null ? ServiceLabels.passthrough(call.host()) : ServiceLabels.ofHost(fqdn));
      if (map.size() < MAX_KEPT) {
        map.put(key, destinations);
      }
    }
    return destinations.of(endpoint, principal);
  }

  /** The label sets of one service's calls: one per endpoint that answered, and one for when none did. */
  private static final class Destinations {
    private final WorkloadLabels self;
    private final ServiceLabels service;
    private final TrafficLabels unknownPeer;
    private final Map<Endpoint, TrafficLabels> byEndpoint = new ConcurrentHashMap<>();

    Destinations(WorkloadLabels self, ServiceLabels service) {
      this.self = self;
      this.service = service;
      this.unknownPeer = TrafficLabels.source(self, WorkloadLabels.UNKNOWN_PEER, service);
    }

    TrafficLabels of(@Nullable Endpoint endpoint, @Nullable String principal) {
      if (endpoint == null && principal == null) {
        return unknownPeer;
      }
      String expected = principal == null ? WorkloadLabels.UNKNOWN : principal;
      TrafficLabels known = endpoint == null ? null : byEndpoint.get(endpoint);
      if (known != null && known.destination().principal().equals(expected)) {
        return known;
      }
      WorkloadLabels destination = endpoint == null || endpoint.instance() == null
          ? WorkloadLabels.UNKNOWN_PEER : WorkloadLabels.of(endpoint.instance(), null);
      if (principal != null) {
        destination = destination.withPrincipal(principal);
      }
      TrafficLabels labels = TrafficLabels.source(self, destination, service);
      if (endpoint != null && byEndpoint.size() < MAX_KEPT) {
        byEndpoint.put(endpoint, labels);
      }
      return labels;
    }
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
