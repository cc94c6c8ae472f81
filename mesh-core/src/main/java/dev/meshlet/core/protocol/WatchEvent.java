package dev.meshlet.core.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One line of the watch stream ({@code GET /v1/watch}, newline-delimited JSON).
 *
 * <p>A {@link Type#FULL} event replaces the agent's whole view: {@code resources} and
 * {@code endpoints} are all it should hold. A {@link Type#DELTA} adds or replaces the resources
 * and endpoints it lists and removes those named in {@code removedResources} and
 * {@code removedEndpoints}. Either way the agent applies the event atomically and answers with
 * an {@link Ack} for {@code version}. A {@link Type#HEARTBEAT} carries the server's current
 * version and asks for no answer; it only proves the stream is alive.
 *
 * @param resources config resources as Istio's JSON ({@code apiVersion}, {@code kind},
 *     {@code metadata}, {@code spec})
 *
 * <p>Empty lists are left out of the JSON; a missing list reads as empty.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record WatchEvent(
    Type type,
    long version,
    List<ObjectNode> resources,
    List<ResourceRef> removedResources,
    List<Endpoint> endpoints,
    List<String> removedEndpoints) {

  /** What an event asks of the agent. */
  public enum Type {
    FULL,
    DELTA,
    HEARTBEAT
  }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    resources = resources == null ? List.of() : List.copyOf(resources);
    removedResources = removedResources == null ? List.of() : List.copyOf(removedResources);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    removedEndpoints = removedEndpoints == null ? List.of() : List.copyOf(removedEndpoints);
  }

  public static WatchEvent heartbeat(long version) {
    return new WatchEvent(Type.HEARTBEAT, version, List.of(), List.of(), List.of(), List.of());
  }

  /** Whether applying this event changes nothing (a delta with nothing in it, or a heartbeat). */
  @JsonIgnore
  public boolean isEmpty() {
    return type != Type.FULL && resources.isEmpty() && removedResources.isEmpty()
        && endpoints.isEmpty() && removedEndpoints.isEmpty();
  }
}
