package dev.meshlet.core.telemetry.tracing;

import java.util.Objects;

/**
 * What the client knows of one attempt of an outbound call when its span starts.
 *
 * @param method the request method
 * @param url the full URL of this attempt ({@code http://10.0.0.7:9080/reviews/0}), without
 *     credentials
 * @param serverAddress the host the call is addressed to ({@code reviews})
 * @param serverPort the port, or -1 when not known
 * @param resendCount 0 for the first attempt, n for the n-th retry
 */
public record ClientRequestInfo(
    String method, String url, String serverAddress, int serverPort, int resendCount) {

  public ClientRequestInfo {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(serverAddress, "serverAddress");
    if (resendCount < 0) {
      throw new IllegalArgumentException("resendCount: " + resendCount + " (expected: >= 0)");
    }
  }

  /** The same call's next attempt. */
  public ClientRequestInfo retry(String url) {
    return new ClientRequestInfo(method, url, serverAddress, serverPort, resendCount + 1);
  }
}
