package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;

/** A routing rule for opaque TCP traffic: the connections it matches and where they go. */
public record TcpRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {
  public TcpRoute {
    match = Copies.list(match);
    route = Copies.list(route);
  }
}
