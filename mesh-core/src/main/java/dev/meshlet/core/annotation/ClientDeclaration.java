package dev.meshlet.core.annotation;

import java.lang.reflect.AnnotatedElement;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@link MeshClient} found in the code, with the policy annotations beside it and where it
 * was found ({@code com.example.ProductPage.reviews}), so errors can say where to look.
 */
public record ClientDeclaration(
    String where,
    MeshClient client,
    @Nullable Retry retry,
    @Nullable Timeout timeout,
    @Nullable CircuitBreaker circuitBreaker,
    @Nullable LoadBalancer loadBalancer,
    @Nullable Idempotent idempotent) {

  public ClientDeclaration {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(client, "client");
  }

  /**
   * The declaration on {@code element}, or null when it has no {@link MeshClient}. Policy
   * annotations on the element win over those on {@code enclosing} (a method's over its
   * interface's), element by element of the whole annotation.
   */
  public static @Nullable ClientDeclaration of(AnnotatedElement element, @Nullable AnnotatedElement enclosing, String where) {
    MeshClient client = find(element, enclosing, MeshClient.class);
    if (client == null) {
      return null;
    }
    return new ClientDeclaration(
        where,
        client,
        find(element, enclosing, Retry.class),
        find(element, enclosing, Timeout.class),
        find(element, enclosing, CircuitBreaker.class),
        find(element, enclosing, LoadBalancer.class),
        find(element, enclosing, Idempotent.class));
  }

  private static <A extends java.lang.annotation.Annotation> @Nullable A find(
      AnnotatedElement element, @Nullable AnnotatedElement enclosing, Class<A> type) {
    A a = element.getAnnotation(type);
    return a != null || enclosing == null ? a : enclosing.getAnnotation(type);
  }

  /** Whether any policy annotation is present (a bare {@code @MeshClient} adds no resource). */
  public boolean hasPolicy() {
    return retry != null || timeout != null || circuitBreaker != null || loadBalancer != null || idempotent != null;
  }
}
