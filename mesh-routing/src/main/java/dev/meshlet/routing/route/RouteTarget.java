package dev.meshlet.routing.route;

import org.jspecify.annotations.Nullable;

/**
 * One weighted destination of a route: a service FQDN, optionally a subset and a port, its
 * relative weight and its own header edits.
 *
 * @param cluster Envoy-style name of where it goes, {@code outbound|port|subset|fqdn} as Istio names clusters
 */
public record RouteTarget(
    String host, @Nullable String subset, @Nullable Integer port, int weight, HeaderEdits headers, String cluster) {

  public static RouteTarget of(String host, @Nullable String subset, @Nullable Integer port, int weight,
      HeaderEdits headers) {
    String cluster = "outbound|" + (port == null ? "" : port) + "|" + (subset == null ? "" : subset) + "|" + host;
    return new RouteTarget(host, subset, port, weight, headers, cluster);
  }
}
