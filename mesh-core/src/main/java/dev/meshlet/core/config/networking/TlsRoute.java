package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;

/** A routing rule for non-terminated TLS traffic, matched mainly by SNI. */
public record TlsRoute(List<TlsMatchAttributes> match, List<RouteDestination> route) {
  public TlsRoute {
    match = Copies.list(match);
    route = Copies.list(route);
  }
}
