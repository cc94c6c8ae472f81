package dev.meshlet.core.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The config one agent holds, as the server sent it ({@code GET /v1/agents/NS/NAME/config}, what
 * {@code meshctl config-dump} shows, as {@code istioctl proxy-config} does for a proxy).
 *
 * @param status where the agent stands, as {@code /v1/status} says
 * @param nackedVersion the version its last NACK refused, or null without one
 * @param resources the config resources of the last view sent to it, as sent, ordered by kind,
 *     namespace and name
 * @param endpoints the endpoints of that view, ordered by service and id
 */
public record ConfigDump(
    ProxyStatus status,
    @Nullable Long nackedVersion,
    List<ObjectNode> resources,
    List<Endpoint> endpoints) {
  public ConfigDump {
    Objects.requireNonNull(status, "status");
    resources = List.copyOf(resources);
    endpoints = List.copyOf(endpoints);
  }
}
