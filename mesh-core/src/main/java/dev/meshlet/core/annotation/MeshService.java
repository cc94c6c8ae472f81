package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the application's identity in the mesh: on the class that starts the service.
 *
 * <pre>{@code
 * @MeshService(name = "reviews", version = "v2", ports = @Port(name = "http", number = 9080))
 * public final class ReviewsApp { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MeshService {
  /** The service name ({@code reviews}); also the {@code app} label. */
  String name();

  /** The namespace; {@code default} when empty. */
  String namespace() default "";

  /** The {@code version} label ({@code v1}); none when empty. */
  String version() default "";

  /** More labels, each {@code key=value}. */
  String[] labels() default {};

  /** The service account its certificate names; the service name when empty. */
  String serviceAccount() default "";

  /** The trust domain; {@code cluster.local} when empty. */
  String trustDomain() default "";

  /** The ports it serves. */
  Port[] ports() default {};
}
