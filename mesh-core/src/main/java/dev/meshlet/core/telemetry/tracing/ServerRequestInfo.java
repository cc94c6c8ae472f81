package dev.meshlet.core.telemetry.tracing;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a server adapter knows of an inbound request when its span starts, for the span's name
 * and attributes.
 *
 * @param method the request method
 * @param scheme {@code http} or {@code https}
 * @param path the path, without the query
 * @param query the query, without the {@code ?}, or null
 * @param route the matched route template ({@code /reviews/{id}}), or null: never a raw path
 * @param serverAddress the host the request was addressed to
 * @param serverPort the port the request was addressed to, or -1
 * @param clientAddress the peer's address
 * @param userAgent the {@code user-agent} header
 * @param protocolVersion {@code 1.1} or {@code 2}
 */
public record ServerRequestInfo(
    String method,
    String scheme,
    String path,
    @Nullable String query,
    @Nullable String route,
    @Nullable String serverAddress,
    int serverPort,
    @Nullable String clientAddress,
    @Nullable String userAgent,
    @Nullable String protocolVersion) {

  public ServerRequestInfo {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(path, "path");
  }
}
