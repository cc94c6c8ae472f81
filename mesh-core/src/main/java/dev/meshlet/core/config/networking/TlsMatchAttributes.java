package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The conditions a TLS connection must meet for a TLS route to apply.
 *
 * @param sniHosts SNI values to match (wildcards allowed); required by Istio
 */
public record TlsMatchAttributes(
    List<String> sniHosts,
    List<String> destinationSubnets,
    @Nullable Integer port,
    Map<String, String> sourceLabels,
    List<String> gateways,
    @Nullable String sourceNamespace) {

  public TlsMatchAttributes {
    sniHosts = Copies.list(sniHosts);
    destinationSubnets = Copies.list(destinationSubnets);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
  }
}
