package dev.meshlet.core.telemetry;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the client or server path knows about one finished call, handed to {@link
 * Telemetry#record}. The labels that depend on the peer come prebuilt in {@link #labels}; the
 * rest is per call. Strings are referenced as the request already holds them: nothing is built
 * unless the access log is on. A field that is not known is null (or {@code -1} for a number),
 * and the access log writes {@code -} for it, as Envoy does.
 *
 * @param labels who called whom (reporter, identities, service, security policy)
 * @param protocol {@code http} or {@code grpc}
 * @param responseCode the HTTP status, {@code 0} when no response came
 * @param responseFlags Envoy's response flags ({@code UF,URX}), {@code -} when none
 * @param grpcStatus the gRPC status code, {@code -1} when there is none
 * @param requestBytes bytes received from the downstream (the request)
 * @param responseBytes bytes sent to the downstream (the response)
 * @param durationNanos from the first byte of the request to the last byte of the response
 * @param startEpochMillis when the request started (Envoy's START_TIME)
 * @param method the request method
 * @param path the request path with query, as received
 * @param protocolVersion {@code HTTP/1.1} or {@code HTTP/2}
 * @param responseCodeDetails why the response code is what it is ({@code via_upstream})
 * @param connectionTerminationDetails why a connection was closed
 * @param upstreamTransportFailureReason why the connection to the upstream failed
 * @param upstreamServiceTimeMillis time the upstream took, {@code -1} when not known
 * @param xForwardedFor the {@code x-forwarded-for} header
 * @param userAgent the {@code user-agent} header
 * @param requestId the {@code x-request-id} header
 * @param authority the authority ({@code host}) the request was sent to
 * @param upstreamHost the endpoint address ({@code 10.0.0.7:9080})
 * @param upstreamCluster Envoy's cluster name ({@code outbound|9080|v1|reviews.default.svc.cluster.local})
 * @param upstreamLocalAddress the local address of the upstream connection
 * @param downstreamLocalAddress the local address of the downstream connection
 * @param downstreamRemoteAddress the peer address of the downstream connection
 * @param requestedServerName the SNI of the downstream connection
 * @param routeName the route that matched
 * @param traceId the trace id, 32 hex digits
 */
public record CallRecord(
    TrafficLabels labels,
    RequestProtocol protocol,
    int responseCode,
    String responseFlags,
    int grpcStatus,
    long requestBytes,
    long responseBytes,
    long durationNanos,
    long startEpochMillis,
    @Nullable String method,
    @Nullable String path,
    @Nullable String protocolVersion,
    @Nullable String responseCodeDetails,
    @Nullable String connectionTerminationDetails,
    @Nullable String upstreamTransportFailureReason,
    long upstreamServiceTimeMillis,
    @Nullable String xForwardedFor,
    @Nullable String userAgent,
    @Nullable String requestId,
    @Nullable String authority,
    @Nullable String upstreamHost,
    @Nullable String upstreamCluster,
    @Nullable String upstreamLocalAddress,
    @Nullable String downstreamLocalAddress,
    @Nullable String downstreamRemoteAddress,
    @Nullable String requestedServerName,
    @Nullable String routeName,
    @Nullable String traceId) {

  /** Envoy's response flags when there are none. */
  public static final String NO_FLAGS = "-";

  public CallRecord {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(protocol, "protocol");
    responseFlags = responseFlags == null || responseFlags.isEmpty() ? NO_FLAGS : responseFlags;
  }

  /** A builder for a call between the peers {@code labels} names. */
  public static Builder builder(TrafficLabels labels) {
    return new Builder(labels);
  }

  /** Whether Envoy would set a response flag for this call. */
  public boolean hasFlags() {
    return !NO_FLAGS.equals(responseFlags);
  }

  /** Builds a {@link CallRecord}; every field but the labels is optional. */
  public static final class Builder {
    private final TrafficLabels labels;
    private RequestProtocol protocol = RequestProtocol.HTTP;
    private int responseCode;
    private String responseFlags = NO_FLAGS;
    private int grpcStatus = -1;
    private long requestBytes;
    private long responseBytes;
    private long durationNanos;
    private long startEpochMillis;
    private @Nullable String method;
    private @Nullable String path;
    private @Nullable String protocolVersion;
    private @Nullable String responseCodeDetails;
    private @Nullable String connectionTerminationDetails;
    private @Nullable String upstreamTransportFailureReason;
    private long upstreamServiceTimeMillis = -1;
    private @Nullable String xForwardedFor;
    private @Nullable String userAgent;
    private @Nullable String requestId;
    private @Nullable String authority;
    private @Nullable String upstreamHost;
    private @Nullable String upstreamCluster;
    private @Nullable String upstreamLocalAddress;
    private @Nullable String downstreamLocalAddress;
    private @Nullable String downstreamRemoteAddress;
    private @Nullable String requestedServerName;
    private @Nullable String routeName;
    private @Nullable String traceId;

    private Builder(TrafficLabels labels) {
      this.labels = Objects.requireNonNull(labels, "labels");
    }

    public Builder protocol(RequestProtocol protocol) {
      this.protocol = protocol;
      return this;
    }

    public Builder responseCode(int responseCode) {
      this.responseCode = responseCode;
      return this;
    }

    public Builder responseFlags(@Nullable String responseFlags) {
      this.responseFlags = responseFlags == null ? NO_FLAGS : responseFlags;
      return this;
    }

    public Builder grpcStatus(int grpcStatus) {
      this.grpcStatus = grpcStatus;
      return this;
    }

    public Builder requestBytes(long requestBytes) {
      this.requestBytes = requestBytes;
      return this;
    }

    public Builder responseBytes(long responseBytes) {
      this.responseBytes = responseBytes;
      return this;
    }

    public Builder durationNanos(long durationNanos) {
      this.durationNanos = durationNanos;
      return this;
    }

    public Builder startEpochMillis(long startEpochMillis) {
      this.startEpochMillis = startEpochMillis;
      return this;
    }

    /** The request line: method, path (with query) and protocol version. */
    public Builder request(@Nullable String method, @Nullable String path, @Nullable String protocolVersion) {
      this.method = method;
      this.path = path;
      this.protocolVersion = protocolVersion;
      return this;
    }

    public Builder responseCodeDetails(@Nullable String responseCodeDetails) {
      this.responseCodeDetails = responseCodeDetails;
      return this;
    }

    public Builder connectionTerminationDetails(@Nullable String details) {
      this.connectionTerminationDetails = details;
      return this;
    }

    public Builder upstreamTransportFailureReason(@Nullable String reason) {
      this.upstreamTransportFailureReason = reason;
      return this;
    }

    public Builder upstreamServiceTimeMillis(long millis) {
      this.upstreamServiceTimeMillis = millis;
      return this;
    }

    public Builder xForwardedFor(@Nullable String xForwardedFor) {
      this.xForwardedFor = xForwardedFor;
      return this;
    }

    public Builder userAgent(@Nullable String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    public Builder requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder authority(@Nullable String authority) {
      this.authority = authority;
      return this;
    }

    /** The endpoint that served the call and Envoy's name for its cluster. */
    public Builder upstream(@Nullable String upstreamHost, @Nullable String upstreamCluster) {
      this.upstreamHost = upstreamHost;
      this.upstreamCluster = upstreamCluster;
      return this;
    }

    public Builder upstreamLocalAddress(@Nullable String address) {
      this.upstreamLocalAddress = address;
      return this;
    }

    public Builder downstreamLocalAddress(@Nullable String address) {
      this.downstreamLocalAddress = address;
      return this;
    }

    public Builder downstreamRemoteAddress(@Nullable String address) {
      this.downstreamRemoteAddress = address;
      return this;
    }

    public Builder requestedServerName(@Nullable String sni) {
      this.requestedServerName = sni;
      return this;
    }

    public Builder routeName(@Nullable String routeName) {
      this.routeName = routeName;
      return this;
    }

    public Builder traceId(@Nullable String traceId) {
      this.traceId = traceId;
      return this;
    }

    public CallRecord build() {
      return new CallRecord(
          labels,
          protocol,
          responseCode,
          responseFlags,
          grpcStatus,
          requestBytes,
          responseBytes,
          durationNanos,
          startEpochMillis,
          method,
          path,
          protocolVersion,
          responseCodeDetails,
          connectionTerminationDetails,
          upstreamTransportFailureReason,
          upstreamServiceTimeMillis,
          xForwardedFor,
          userAgent,
          requestId,
          authority,
          upstreamHost,
          upstreamCluster,
          upstreamLocalAddress,
          downstreamLocalAddress,
          downstreamRemoteAddress,
          requestedServerName,
          routeName,
          traceId);
    }
  }
}
