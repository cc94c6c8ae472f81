package dev.meshlet.agent.server;

import dev.meshlet.agent.context.PropagatedHeaders;
import dev.meshlet.tls.authz.SourceIdentity;
import dev.meshlet.tls.identity.WorkloadIdentity;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What telemetry learns of an inbound request when it starts: enough for Istio's
 * {@code reporter=destination} labels and a server span.
 *
 * @param destination this workload
 * @param source the caller's verified identity, {@link SourceIdentity#NONE} for plaintext
 * @param security {@code connection_security_policy}
 * @param method the HTTP method
 * @param pathAndQuery the request target
 * @param authority the Host or {@code :authority}
 * @param traceHeaders the caller's trace context headers (lower-case names), to continue its trace
 * @param localPort the port the request reached
 * @param start when the chain saw the request
 * @param peerMetadata the caller's {@link PeerMetadata#HEADER}, null when it sent none
 */
public record InboundCallInfo(
    WorkloadIdentity destination,
    SourceIdentity source,
    ConnectionSecurity security,
    String method,
    String pathAndQuery,
    String authority,
    Map<String, String> traceHeaders,
    int localPort,
    Instant start,
    @Nullable String peerMetadata) {

  /** Without peer metadata. */
  public InboundCallInfo(WorkloadIdentity destination, SourceIdentity source, ConnectionSecurity security, String method,
      String pathAndQuery, String authority, Map<String, String> traceHeaders, int localPort, Instant start) {
    this(destination, source, security, method, pathAndQuery, authority, traceHeaders, localPort, start, null);
  }

  public InboundCallInfo {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    Objects.requireNonNull(authority, "authority");
    // The chain's own map is immutable already; Map.copyOf would copy it.
    traceHeaders = traceHeaders instanceof PropagatedHeaders ? traceHeaders : Map.copyOf(traceHeaders);
    Objects.requireNonNull(start, "start");
  }
}
