package dev.meshlet.agent.config;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.source.ConfigLayer;
import java.util.List;
import java.util.Map;

/**
 * The config a mesh runs and where each piece came from, as the admin endpoint's config dump
 * shows it: the resources in force with their layer and origin, those another layer overrode
 * and why, the endpoints, and what the mesh still waits for.
 *
 * @param version the version of the snapshot in force (0 before any config)
 * @param resources what is in force, ordered by kind, namespace and name
 * @param overridden what a layer holds that is not in force, and why
 * @param endpoints service FQDN to {@code address:port} of its primary endpoints
 * @param waitingFor what readiness still waits for (empty once ready)
 * @param rejected the last refusal of each source that refused an update, by source name
 */
public record EffectiveConfig(
    long version,
    List<InForce> resources,
    List<Overridden> overridden,
    Map<String, List<String>> endpoints,
    List<String> waitingFor,
    Map<String, String> rejected) {

  public EffectiveConfig {
    resources = List.copyOf(resources);
    overridden = List.copyOf(overridden);
    endpoints = Map.copyOf(endpoints);
    waitingFor = List.copyOf(waitingFor);
    rejected = Map.copyOf(rejected);
  }

  /**
   * A resource in force.
   *
   * @param origin where exactly: {@code file /etc/meshlet}, {@code discovery version 42},
   *     {@code annotation on com.example.Reviews}
   */
  public record InForce(ResourceId id, ConfigLayer layer, String origin, Resource<?> resource) {}

  /** A resource not in force because {@code by} (of a stronger layer) covers the same thing. */
  public record Overridden(ResourceId id, ConfigLayer layer, String origin, ResourceId by, String reason) {}
}
