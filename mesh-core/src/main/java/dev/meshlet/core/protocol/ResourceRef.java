package dev.meshlet.core.protocol;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceId;
import java.util.Objects;
import java.util.Optional;

/** Names a config resource in JSON ({@code {"kind":"VirtualService","namespace":"default","name":"reviews"}}). */
public record ResourceRef(String kind, String namespace, String name) {
  public ResourceRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static ResourceRef of(ResourceId id) {
    return new ResourceRef(id.kind().kindName(), id.namespace(), id.name());
  }

  /** The id it names, or empty when the kind is not one Meshlet knows. */
  public Optional<ResourceId> toId() {
    return Kind.byName(kind).map(k -> new ResourceId(k, namespace, name));
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
