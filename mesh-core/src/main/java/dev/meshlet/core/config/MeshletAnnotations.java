package dev.meshlet.core.config;

/**
 * The {@code metadata.annotations} keys Meshlet reads on Istio resources, for what Istio's
 * specs have no field for.
 */
public final class MeshletAnnotations {
  private MeshletAnnotations() {}

  /**
   * On a VirtualService: the HTTP methods that are safe to repeat for its hosts, comma
   * separated, or {@code *} for all. Meshlet then retries them after they may have reached the
   * server; without it, POST and PATCH are retried only when nothing was sent.
   */
  public static final String IDEMPOTENT_METHODS = "meshlet.dev/idempotent-methods";

  /** Where a resource came from when Meshlet made it (an annotation on a class, say). */
  public static final String SOURCE = "meshlet.dev/source";
}
