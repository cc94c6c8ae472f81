package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a client of one mesh host: an interface (a declarative client), a field or a parameter
 * that receives a mesh-wrapped OkHttpClient, or a factory method. The policy annotations next
 * to it ({@link Retry}, {@link Timeout}, {@link CircuitBreaker}, {@link LoadBalancer},
 * {@link Idempotent}) are the service owner's defaults for calls to that host.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface MeshClient {
  /** The host called: {@code reviews}, {@code reviews.default} or a full name. */
  String value();
}
