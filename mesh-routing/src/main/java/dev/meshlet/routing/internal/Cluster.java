package dev.meshlet.routing.internal;

import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.resolve.Service;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Where a route destination goes under one snapshot: a service, optionally narrowed to a subset's
 * labels, with its endpoint picker. Endpoints per port are filtered once and kept.
 */
final class Cluster {
  private final String name;
  private final Service service;
  private final @Nullable String subset;
  private final Map<String, String> labels;
  private final EndpointPicker picker;
  private final ConcurrentHashMap<Integer, List<Endpoint>> byPort = new ConcurrentHashMap<>();

  Cluster(Service service, @Nullable String subset, Map<String, String> labels, EndpointPicker picker) {
    this.name = service.fqdn() + (subset == null ? "" : "|" + subset);
    this.service = service;
    this.subset = subset;
    this.labels = Map.copyOf(labels);
    this.picker = picker;
  }

  String name() {
    return name;
  }

  Service service() {
    return service;
  }

  @Nullable String subset() {
    return subset;
  }

  EndpointPicker picker() {
    return picker;
  }

  /** The cluster's endpoints that serve {@code port}. */
  List<Endpoint> endpoints(int port) {
    List<Endpoint> eps = byPort.get(port);
    if (eps == null) {
      List<Endpoint> all = service.endpoints(port);
      eps = labels.isEmpty() ? all : all.stream().filter(e -> e.matches(labels)).toList();
      if (byPort.size() < 64) {
        byPort.putIfAbsent(port, eps);
      }
    }
    return eps;
  }
}
