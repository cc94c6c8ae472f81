package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * Answers a matching request with a redirect (Istio's HTTPRedirect); the parts not given are
 * kept from the request.
 *
 * @param port redirect to this port; exclusive with {@code derivePort}
 * @param derivePort take the port from the scheme's default or from the request
 * @param redirectCode the 3xx status; 301 when absent
 */
public record HttpRedirect(
    @Nullable String uri,
    @Nullable String authority,
    @Nullable Integer port,
    @Nullable RedirectPortSelection derivePort,
    @Nullable String scheme,
    @Nullable Integer redirectCode) {

  /** Where a redirect's port comes from when it is derived rather than given. */
  public enum RedirectPortSelection {
    FROM_PROTOCOL_DEFAULT,
    FROM_REQUEST_PORT
  }
}
