package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Retries for calls to a {@link MeshClient}'s host: Istio's HTTPRetry. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Retry {
  /** How many retries after the first try (Istio's {@code attempts}). */
  int attempts();

  /** The timeout of each try ({@code 500ms}); none when empty. */
  String perTryTimeout() default "";

  /** Envoy's retry conditions ({@code 5xx,connect-failure}); Istio's default when empty. */
  String retryOn() default "";

  /** Whether a retry goes to an endpoint not tried before. */
  boolean retryIgnorePreviousHosts() default true;
}
