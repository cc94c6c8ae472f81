package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * A service (and optionally a subset and port of it) that traffic is sent to after routing.
 *
 * @param host a service host from the registry or a ServiceEntry; short names resolve in the
 *     namespace of the rule
 * @param subset a subset named in the host's DestinationRule
 * @param port the port, needed only when the service exposes more than one
 */
public record Destination(@Nullable String host, @Nullable String subset, @Nullable PortSelector port) {

  public static Destination of(String host) {
    return new Destination(host, null, null);
  }
}
