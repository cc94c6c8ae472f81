package dev.meshlet.routing.internal;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.Subset;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.endpoint.EndpointRegistry;
import dev.meshlet.routing.resolve.Service;
import dev.meshlet.routing.resolve.ServiceDirectory;
import dev.meshlet.routing.route.RouteTable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything the request path needs under one config snapshot and one registry, compiled for one
 * caller: the service directory, route tables and clusters. Route tables and clusters are built
 * the first time a host is called and kept for the life of the snapshot.
 */
final class CompiledMesh {
  final ConfigSnapshot config;
  final EndpointRegistry registry;
  final ServiceDirectory directory;
  private final CallerIdentity caller;
  private final ConcurrentHashMap<String, RouteTable> tables = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Optional<Cluster>> clusters = new ConcurrentHashMap<>();

  CompiledMesh(ConfigSnapshot config, EndpointRegistry registry, CallerIdentity caller) {
    this.config = config;
    this.registry = registry;
    this.caller = caller;
    this.directory = ServiceDirectory.compile(config, registry, caller);
    for (String host : config.routedHosts()) {
      tables.put(host, RouteTable.compile(host, config.virtualServices(host), caller));
    }
  }

  RouteTable table(Service service) {
    return tables.computeIfAbsent(service.fqdn(), h -> RouteTable.compile(h, config.virtualServices(h), caller));
  }

  /** The cluster of {@code host} and {@code subset}, or null when the host or the subset does not exist (NC). */
  @Nullable Cluster cluster(String host, @Nullable String subset) {
    String key = subset == null ? host : host + "|" + subset;
    return clusters.computeIfAbsent(key, k -> Optional.ofNullable(build(host, subset))).orElse(null);
  }

  private @Nullable Cluster build(String host, @Nullable String subset) {
    Service service = directory.service(host);
    if (service == null) {
      return null;
    }
    Map<String, String> labels = Map.of();
    if (subset != null) {
      Optional<Resource<DestinationRule>> dr = config.destinationRule(host, caller.namespace());
      Subset s = dr.flatMap(r -> r.spec().subsets().stream().filter(x -> subset.equals(x.name())).findFirst())
          .orElse(null);
      if (s == null) {
        return null;
      }
      labels = s.labels();
    }
    return new Cluster(service, subset, labels, new RoundRobinPicker());
  }
}
