package dev.meshlet.core.config;

import java.util.Objects;

/**
 * One Istio resource: its kind, the apiVersion it was written with, its metadata and its spec
 * record ({@code S} is the kind's {@link Kind#specType()}).
 */
public record Resource<S>(Kind kind, String apiVersion, ObjectMeta metadata, S spec) {
  public Resource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(spec, "spec");
    if (!kind.specType().isInstance(spec)) {
      throw new IllegalArgumentException(
          "spec: " + spec.getClass().getSimpleName() + " (expected: " + kind.specType().getSimpleName() + ")");
    }
  }

  /** A resource written with the kind's preferred apiVersion. */
  public static <S> Resource<S> of(Kind kind, ObjectMeta metadata, S spec) {
    return new Resource<>(kind, kind.group().preferredApiVersion(), metadata, spec);
  }

  public ResourceId id() {
    return new ResourceId(kind, metadata.namespaceOrDefault(), Objects.requireNonNullElse(metadata.name(), ""));
  }

  public String namespace() {
    return metadata.namespaceOrDefault();
  }

  public String name() {
    return Objects.requireNonNullElse(metadata.name(), "");
  }

  /** The spec cast to the type the caller knows this kind has. */
  @SuppressWarnings("unchecked")
  public <T> Resource<T> as(Class<T> specType) {
    if (!specType.isInstance(spec)) {
      throw new ClassCastException(id() + " has a " + kind.specType().getSimpleName() + " spec, not " + specType.getSimpleName());
    }
    return (Resource<T>) this;
  }
}
