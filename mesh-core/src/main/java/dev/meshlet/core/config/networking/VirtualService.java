package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;

/**
 * The spec of Istio's VirtualService: the routing rules (HTTP, TLS and TCP) applied to traffic
 * addressed to {@code hosts}.
 *
 * @param hosts destination hosts the rules apply to (short names, FQDNs or wildcards)
 * @param gateways gateways and sidecars that apply the rules; {@code mesh} means all sidecars
 * @param http ordered HTTP routes; the first whose match holds is used
 * @param tls ordered routes for non-terminated TLS traffic
 * @param tcp ordered routes for opaque TCP traffic
 * @param exportTo namespaces the rule is visible to ({@code .} or {@code *})
 */
public record VirtualService(
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<TlsRoute> tls,
    List<TcpRoute> tcp,
    List<String> exportTo) {

  public VirtualService {
    hosts = Copies.list(hosts);
    gateways = Copies.list(gateways);
    http = Copies.list(http);
    tls = Copies.list(tls);
    tcp = Copies.list(tcp);
    exportTo = Copies.list(exportTo);
  }
}
