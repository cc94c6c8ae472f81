package dev.meshlet.core.telemetry.tracing;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Set;

/**
 * The attribute names of OpenTelemetry's stable HTTP semantic conventions that Meshlet's spans
 * carry, declared here so that the core needs only the OpenTelemetry API.
 */
public final class HttpAttributes {
  public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      AttributeKey.stringKey("http.request.method_original");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT =
      AttributeKey.longKey("http.request.resend_count");
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  public static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  public static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  public static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
  public static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  public static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");
  public static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");

  /** Envoy's tag for the flags of a call, on spans of calls that have any. */
  public static final AttributeKey<String> RESPONSE_FLAGS = AttributeKey.stringKey("response_flags");

  /** Envoy's tag for the cluster an outbound call went to. */
  public static final AttributeKey<String> UPSTREAM_CLUSTER = AttributeKey.stringKey("upstream_cluster");

  /** The methods the conventions know; any other is reported as {@code _OTHER}. */
  static final Set<String> KNOWN_METHODS =
      Set.of("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE");

  /** The conventions' value for a method they do not know. */
  static final String OTHER_METHOD = "_OTHER";

  /**
   * Status codes and ports as boxed {@code Long}s kept for reuse: the SDK stores attributes
   * boxed, and {@code Long.valueOf} allocates past 127, so a span's {@code 200} and {@code 9080}
   * would cost 16 bytes each. Codes are made once; ports go through a small direct-mapped cache
   * (a race only costs a fresh {@code Long}: they are immutable).
   */
  private static final Long[] CODES = new Long[600];

  private static final Long[] RECENT = new Long[256];

  static {
    for (int i = 0; i < CODES.length; i++) {
      CODES[i] = (long) i;
    }
  }

  /** {@code value} boxed, without allocating for status codes and the ports in use. */
  static Long boxed(int value) {
    if (value >= 0 && value < CODES.length) {
      return CODES[value];
    }
    int slot = value & (RECENT.length - 1);
    Long cached = RECENT[slot];
    if (cached != null && cached == value) {
      return cached;
    }
    Long fresh = (long) value;
    RECENT[slot] = fresh;
    return fresh;
  }

  private HttpAttributes() {}
}
