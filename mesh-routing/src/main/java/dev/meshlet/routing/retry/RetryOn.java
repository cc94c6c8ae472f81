package dev.meshlet.routing.retry;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Envoy's {@code retryOn} conditions for HTTP and gRPC, as Istio's {@code retryOn} lists them. */
public enum RetryOn {
  /** Any 5xx response, or no response at all (connect failure, reset, refused stream, per-try timeout). */
  FIVE_XX("5xx"),
  /** A 502, 503 or 504, or no response at all. */
  GATEWAY_ERROR("gateway-error"),
  /** No response: a connect failure, a reset or disconnect, a per-try timeout. */
  RESET("reset"),
  /** The connection could not be made; nothing was sent. */
  CONNECT_FAILURE("connect-failure"),
  /** A 409 Conflict. */
  RETRIABLE_4XX("retriable-4xx"),
  /** An HTTP/2 stream refused with REFUSED_STREAM; the server did not process it. */
  REFUSED_STREAM("refused-stream"),
  /** A status among the route's retriable status codes. */
  RETRIABLE_STATUS_CODES("retriable-status-codes"),
  /** gRPC status CANCELLED (1). */
  CANCELLED("cancelled"),
  /** gRPC status DEADLINE_EXCEEDED (4). */
  DEADLINE_EXCEEDED("deadline-exceeded"),
  /** gRPC status RESOURCE_EXHAUSTED (8). */
  RESOURCE_EXHAUSTED("resource-exhausted"),
  /** gRPC status INTERNAL (13). */
  INTERNAL("internal"),
  /** gRPC status UNAVAILABLE (14). */
  UNAVAILABLE("unavailable");

  private final String token;

  RetryOn(String token) {
    this.token = token;
  }

  /** The name as written in {@code retryOn}. */
  public String token() {
    return token;
  }

  /** The condition named {@code token}, or null when it is not one. */
  public static @Nullable RetryOn byToken(String token) {
    String t = token.trim().toLowerCase(Locale.ROOT);
    for (RetryOn r : values()) {
      if (r.token.equals(t)) {
        return r;
      }
    }
    return null;
  }
}
