package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says that calls to the host are safe to repeat even with methods that usually are not
 * (POST, PATCH): Meshlet then retries them after they may have reached the server, as it does
 * GET. Without it, such calls are retried only when nothing was sent (a connect failure).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Idempotent {
  /** The methods that are safe to repeat; all of them when empty. */
  String[] methods() default {};
}
