package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The conditions a TCP connection must meet for a TCP route to apply.
 *
 * @param destinationSubnets IPv4/IPv6 addresses or CIDRs of the destination
 * @param sourceSubnet deprecated by Istio (only ever meant for gateways)
 */
public record L4MatchAttributes(
    List<String> destinationSubnets,
    @Nullable Integer port,
    @Nullable String sourceSubnet,
    Map<String, String> sourceLabels,
    List<String> gateways,
    @Nullable String sourceNamespace) {

  public L4MatchAttributes {
    destinationSubnets = Copies.list(destinationSubnets);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
  }
}
