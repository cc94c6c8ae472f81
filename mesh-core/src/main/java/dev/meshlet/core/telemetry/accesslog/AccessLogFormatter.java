package dev.meshlet.core.telemetry.accesslog;

import dev.meshlet.core.telemetry.CallRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link CallRecord} as Istio's access log writes a call.
 *
 * <p>The text format is Istio's default, field for field, with the trace id appended:
 *
 * <pre>
 * [START_TIME] "METHOD PATH PROTOCOL" RESPONSE_CODE RESPONSE_FLAGS RESPONSE_CODE_DETAILS
 * CONNECTION_TERMINATION_DETAILS "UPSTREAM_TRANSPORT_FAILURE_REASON" BYTES_RECEIVED BYTES_SENT
 * DURATION UPSTREAM_SERVICE_TIME "X-FORWARDED-FOR" "USER-AGENT" "X-REQUEST-ID" "AUTHORITY"
 * "UPSTREAM_HOST" UPSTREAM_CLUSTER UPSTREAM_LOCAL_ADDRESS DOWNSTREAM_LOCAL_ADDRESS
 * DOWNSTREAM_REMOTE_ADDRESS REQUESTED_SERVER_NAME ROUTE_NAME TRACE_ID
 * </pre>
 *
 * (one line), {@code -} for what is not known, so parsers of Istio's lines read Meshlet's. The
 * JSON format has the keys of Istio's JSON access log plus {@code trace_id}, {@code null} for
 * what is not known. Control characters and quotes in header values are escaped, so a request
 * cannot forge a log line.
 */
public final class AccessLogFormatter {
  // Envoy's START_TIME default: %Y-%m-%dT%H:%M:%E3SZ.
  private static final DateTimeFormatter START_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String MISSING = "-";

  private AccessLogFormatter() {}

  /** The text line of a call, without a line separator. */
  public static String text(CallRecord c) {
    StringBuilder b = new StringBuilder(384);
    b.append('[').append(START_TIME.format(Instant.ofEpochMilli(c.startEpochMillis()))).append("] \"");
    field(b, c.method()).append(' ');
    field(b, c.path()).append(' ');
    field(b, c.protocolVersion()).append("\" ");
    b.append(c.responseCode()).append(' ');
    field(b, c.responseFlags()).append(' ');
    field(b, c.responseCodeDetails()).append(' ');
    field(b, c.connectionTerminationDetails()).append(" \"");
    field(b, c.upstreamTransportFailureReason()).append("\" ");
    b.append(c.requestBytes()).append(' ');
    b.append(c.responseBytes()).append(' ');
    b.append(durationMillis(c)).append(' ');
    if (c.upstreamServiceTimeMillis() >= 0) {
      b.append(c.upstreamServiceTimeMillis());
    } else {
      b.append(MISSING);
    }
    b.append(" \"");
    field(b, c.xForwardedFor()).append("\" \"");
    field(b, c.userAgent()).append("\" \"");
    field(b, c.requestId()).append("\" \"");
    field(b, c.authority()).append("\" \"");
    field(b, c.upstreamHost()).append("\" ");
    field(b, c.upstreamCluster()).append(' ');
    field(b, c.upstreamLocalAddress()).append(' ');
    field(b, c.downstreamLocalAddress()).append(' ');
    field(b, c.downstreamRemoteAddress()).append(' ');
    field(b, c.requestedServerName()).append(' ');
    field(b, c.routeName()).append(' ');
    field(b, c.traceId());
    return b.toString();
  }

  /** The JSON object of a call, on one line. */
  public static String json(CallRecord c) {
    StringBuilder b = new StringBuilder(640);
    b.append('{');
    string(b, "start_time", START_TIME.format(Instant.ofEpochMilli(c.startEpochMillis()))).append(',');
    string(b, "route_name", c.routeName()).append(',');
    string(b, "method", c.method()).append(',');
    string(b, "path", c.path()).append(',');
    string(b, "protocol", c.protocolVersion()).append(',');
    number(b, "response_code", c.responseCode()).append(',');
    string(b, "response_flags", c.responseFlags()).append(',');
    string(b, "response_code_details", c.responseCodeDetails()).append(',');
    string(b, "connection_termination_details", c.connectionTerminationDetails()).append(',');
    number(b, "bytes_received", c.requestBytes()).append(',');
    number(b, "bytes_sent", c.responseBytes()).append(',');
    number(b, "duration", durationMillis(c)).append(',');
    string(
            b,
            "upstream_service_time",
            c.upstreamServiceTimeMillis() >= 0 ? Long.toString(c.upstreamServiceTimeMillis()) : null)
        .append(',');
    string(b, "x_forwarded_for", c.xForwardedFor()).append(',');
    string(b, "user_agent", c.userAgent()).append(',');
    string(b, "request_id", c.requestId()).append(',');
    string(b, "authority", c.authority()).append(',');
    string(b, "upstream_host", c.upstreamHost()).append(',');
    string(b, "upstream_cluster", c.upstreamCluster()).append(',');
    string(b, "upstream_local_address", c.upstreamLocalAddress()).append(',');
    string(b, "downstream_local_address", c.downstreamLocalAddress()).append(',');
    string(b, "downstream_remote_address", c.downstreamRemoteAddress()).append(',');
    string(b, "requested_server_name", c.requestedServerName()).append(',');
    string(b, "upstream_transport_failure_reason", c.upstreamTransportFailureReason()).append(',');
    string(b, "trace_id", c.traceId());
    return b.append('}').toString();
  }

  /** Envoy's DURATION: whole milliseconds. */
  private static long durationMillis(CallRecord c) {
    return c.durationNanos() / 1_000_000L;
  }

  private static StringBuilder field(StringBuilder b, @Nullable String value) {
    if (value == null || value.isEmpty()) {
      return b.append(MISSING);
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20 || ch == 0x7f) {
        hexEscape(b, ch);
      } else {
        b.append(ch);
      }
    }
    return b;
  }

  private static StringBuilder string(StringBuilder b, String key, @Nullable String value) {
    b.append('"').append(key).append("\":");
    if (value == null || value.isEmpty()) {
      return b.append("null");
    }
    b.append('"');
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20 || ch == 0x7f || ch == '\u2028' || ch == '\u2029') {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"');
  }

  private static StringBuilder number(StringBuilder b, String key, long value) {
    return b.append('"').append(key).append("\":").append(value);
  }

  private static void hexEscape(StringBuilder b, char ch) {
    b.append("\\x");
    String hex = Integer.toHexString(ch);
    if (hex.length() < 2) {
      b.append('0');
    }
    b.append(hex);
  }
}
