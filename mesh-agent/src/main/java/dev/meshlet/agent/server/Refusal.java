package dev.meshlet.agent.server;

import java.util.Map;
import java.util.Objects;

/**
 * The answer the chain gives instead of running the handler: a status, a body and headers, or,
 * where the adapter can, a closed connection without an answer (plaintext on a STRICT port, as
 * Envoy resets it).
 *
 * @param status the HTTP status to answer when the connection is not closed
 * @param body the response body (text/plain, UTF-8)
 * @param headers response headers, lower-case names
 * @param closeConnection whether the adapter should close the connection instead of answering
 * @param responseFlags Envoy's response flags for telemetry and the response-flag header, "" for none
 */
public record Refusal(int status, String body, Map<String, String> headers, boolean closeConnection,
    String responseFlags) {

  public Refusal {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
    }
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(responseFlags, "responseFlags");
  }
}
