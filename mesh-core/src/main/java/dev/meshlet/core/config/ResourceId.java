package dev.meshlet.core.config;

import java.util.Objects;

/** Names one resource: its kind, namespace and name, written {@code VirtualService default/reviews}. */
public record ResourceId(Kind kind, String namespace, String name) implements Comparable<ResourceId> {
  public ResourceId {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ResourceId o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return kind.kindName() + " " + namespace + "/" + name;
  }
}
