package dev.meshlet.core.config;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The part of Kubernetes' object metadata that Meshlet reads. Server-set fields of an exported
 * object (uid, resourceVersion, managedFields, ...) are accepted and dropped: they carry no intent.
 */
@IgnoredFields({
  "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
  "deletionGracePeriodSeconds", "managedFields", "selfLink", "finalizers", "ownerReferences",
  "generateName"
})
public record ObjectMeta(
    @Nullable String name,
    @Nullable String namespace,
    Map<String, String> labels,
    Map<String, String> annotations) {

  /** The namespace a resource without one lands in, as with kubectl. */
  public static final String DEFAULT_NAMESPACE = "default";

  public ObjectMeta {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public static ObjectMeta of(String name, String namespace) {
    return new ObjectMeta(name, namespace, Map.of(), Map.of());
  }

  /** The namespace, or {@value #DEFAULT_NAMESPACE} when none is written. */
  public String namespaceOrDefault() {
    return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
  }
}
